/**
 * The control's health answer (GET /healthz): the database answers `select 1`, the current mode's
 * broker answers its clock within the timeout (on the injected Clock). Never throws: a failure is
 * a value with its message.
 */
import { sql } from 'kysely';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { HealthReport } from './bot-control.types.js';
import type { Db } from './persistence.js';

export async function probeHealth(db: Db, clock: Clock, broker: () => BrokerPort | null, timeoutMs: number): Promise<HealthReport> {
  const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const database = await sql`select 1`.execute(db).then(() => ({ ok: true, error: null }), (e: unknown) => ({ ok: false, error: describe(e) }));
  const current = broker();
  let brokerHealth: HealthReport['broker'] = { ok: false, error: 'no broker adapter for the current mode' };
  if (current) {
    const timer = new AbortController();
    const answer = current.getClock().then(() => ({ ok: true, error: null }), (e: unknown) => ({ ok: false, error: describe(e) }));
    // the timer loses quietly once the broker answered (aborted → null → the answer stands)
    const timedOut = clock.sleep(timeoutMs, timer.signal).then(() => ({ ok: false, error: `no answer within ${timeoutMs} ms` }), () => null);
    brokerHealth = await Promise.race([answer, timedOut.then((r) => r ?? answer)]);
    timer.abort();
  }
  return { ok: database.ok && brokerHealth.ok, database, broker: brokerHealth };
}
