/**
 * The control's health answer (GET /healthz): the database answers `select 1` and the current
 * mode's broker answers its clock, each within the timeout (on the injected Clock): a pool waiting
 * for a connection must not hold the probe either. Never throws: a failure is a value with its message.
 */
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { HealthReport } from './bot-control.types.js';
import { pingDatabase, type Db } from '../../adapters/postgres/index.js';
import { errorText } from '../../lib/error-text.js';

export async function probeHealth(db: Db, clock: Clock, broker: () => BrokerPort | null, timeoutMs: number): Promise<HealthReport> {
  const within = async (work: Promise<unknown>): Promise<{ ok: boolean; error: string | null }> => {
    const timer = new AbortController();
    const answer = work.then(() => ({ ok: true, error: null }), (e: unknown) => ({ ok: false, error: errorText(e) }));
    // the timer loses quietly once the answer came (aborted → null → the answer stands)
    const timedOut = clock.sleep(timeoutMs, timer.signal).then(() => ({ ok: false, error: `no answer within ${timeoutMs} ms` }), () => null);
    const result = await Promise.race([answer, timedOut.then((r) => r ?? answer)]);
    timer.abort();
    return result;
  };
  const current = broker();
  const [database, brokerHealth] = await Promise.all([
    within(pingDatabase(db)),
    current ? within(current.getClock()) : Promise.resolve({ ok: false, error: 'no broker adapter for the current mode' }),
  ]);
  return { ok: database.ok && brokerHealth.ok, database, broker: brokerHealth };
}
