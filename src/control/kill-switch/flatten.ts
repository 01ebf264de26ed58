/**
 * Kill switch, step 3: flatten Keel's positions — now if the market is open (broker clock), else
 * queued for the session open (the mark: flatten-queue.ts), where runQueuedFlatten below carries it out.
 * Invariants:
 *  - only Keel's trades are exited (supervisor.exitAll('kill_switch'): each exit fills through its
 *    position actor and closes its trade); positions Keel does not own are reported as 'external'
 *    and never closed (position-ownership.ts);
 *  - "done" means the broker itself reports Keel flat, polled until the deadline on the injected
 *    Clock; anything short of that is 'incomplete' with the positions left named;
 *  - a flatten carried out now clears any queued one (one that failed outright leaves it); a
 *    closed market queues it (idempotent); while it is queued the control refuses start/resume
 *    (FLATTEN_QUEUED) and DELETE /api/bot/flatten-queue withdraws it (flatten-queue.ts);
 *  - exits need the supervisor running: a halted bot keeps it running (supervisor-lifecycle.ts);
 *    a bot acknowledged back to stopped has it stopped, so it is started for the flatten and
 *    stopped again only if the bot is still stopped (and not starting) afterwards.
 */
import type { BrokerPort } from '../../ports/broker.port.js';
import { clearFlattenQueue, getFlattenQueue, queueFlatten } from './flatten-queue.js';
import type { EpochMs } from '../../domain/time.js';
import { LIVE_TRADE_STATUSES } from '../../domain/trade.js';
import type { EmergencyStopReport } from '../pipeline/pipeline.types.js';
import type { PipelineRuntime } from '../pipeline/pipeline-runtime.js';
import { listTrades } from '../../adapters/postgres/index.js';
import { journalStep, waitBudgetMs } from './kill-switch-journal.js';
import { errorText } from '../../lib/error-text.js';
import { pollUntil } from './poll-until.js';
import { claimsOf, keelFlat, positionsLeft } from './position-ownership.js';
import { waitForClosed } from './wait-closed.js';

export type FlattenPart = Pick<EmergencyStopReport, 'flatten' | 'closed' | 'closing' | 'failed' | 'left' | 'problems'>;

const nothingExited = (): Pick<FlattenPart, 'closed' | 'closing' | 'failed'> => ({ closed: [], closing: [], failed: [] });

export async function flattenOrQueue(rt: PipelineRuntime, cause: string): Promise<FlattenPart> {
  const broker = rt.deps.broker();
  if (!broker) return { ...nothingExited(), flatten: 'incomplete', left: [], problems: ['no broker for the current mode: nothing could be flattened'] };
  const problems: string[] = [];
  let open = true;
  try {
    open = (await broker.getClock()).isOpen;
  } catch (error) {
    problems.push(`market clock unavailable (${errorText(error)}): flattening now`);
  }
  if (!open) {
    const queuedAt = await queueFlatten(rt.deps.db, rt.deps.clock.now());
    const left = await positionsNow(rt, broker, problems);
    await journalStep(rt.deps, cause, 'emergency stop: market closed, flatten queued for the session open', { queuedAt, left });
    return { ...nothingExited(), flatten: 'queued_for_open', left, problems };
  }
  try {
    const part = await withSupervisor(rt, () => flattenNow(rt, broker, cause));
    await clearFlattenQueue(rt.deps.db);
    return { ...part, problems: [...problems, ...part.problems] };
  } catch (error) {
    problems.push(`flattening failed: ${errorText(error)}`);
    return { ...nothingExited(), flatten: 'incomplete', left: await positionsNow(rt, broker, problems), problems };
  }
}

export interface QueuedFlattenReport extends FlattenPart {
  queuedAt: EpochMs;
}

/**
 * For the session-open job: carries out a flatten an emergency stop queued while the market was
 * closed, and clears the queue. null when none is queued. If the market is still closed it stays
 * queued (flatten: 'queued_for_open'). It runs whatever the bot's state: acknowledging the halt
 * does not withdraw a flatten the trader asked for (only DELETE /api/bot/flatten-queue does), and
 * no position was opened since it was queued (start/resume are refused meanwhile).
 */
export async function runQueuedFlatten(rt: PipelineRuntime, cause: string): Promise<QueuedFlattenReport | null> {
  const queuedAt = await getFlattenQueue(rt.deps.db);
  if (queuedAt === null) return null;
  await journalStep(rt.deps, cause, 'queued flatten: running at the session open', { queuedAt });
  const part = await flattenOrQueue(rt, cause);
  // a flatten that failed outright keeps the queue; give it up here rather than retry forever
  if (part.flatten !== 'queued_for_open') await clearFlattenQueue(rt.deps.db);
  const report: QueuedFlattenReport = { queuedAt, ...part };
  await journalStep(rt.deps, cause, `queued flatten finished: ${part.flatten}, ${part.left.length} position(s) left`, { ...report });
  return report;
}

/** the broker's positions split by owner, without flattening anything */
export async function positionsNow(rt: PipelineRuntime, broker: BrokerPort, problems: string[]): Promise<EmergencyStopReport['left']> {
  try {
    const [positions, trades] = await Promise.all([broker.listPositions(), listTrades(rt.deps.db, { statuses: LIVE_TRADE_STATUSES })]);
    return positionsLeft(positions, claimsOf(positions, trades));
  } catch (error) {
    problems.push(`the broker's positions could not be read: ${errorText(error)}`);
    return [];
  }
}

async function flattenNow(rt: PipelineRuntime, broker: BrokerPort, cause: string): Promise<FlattenPart> {
  const { deps } = rt;
  const deadline = deps.clock.now() + waitBudgetMs(deps);
  const [before, trades] = await Promise.all([broker.listPositions(), listTrades(deps.db, { statuses: LIVE_TRADE_STATUSES })]);
  const claims = claimsOf(before, trades);
  const exits = await deps.supervisor.exitAll('kill_switch');
  await journalStep(deps, cause, `emergency stop: exits sent for ${exits.exiting.length} trade(s), ${exits.failed.length} failed`, { ...exits });
  await waitForClosed(deps, exits.exiting, deadline);
  const live = new Set((await listTrades(deps.db, { statuses: LIVE_TRADE_STATUSES })).map((t) => t.id));
  const closed = exits.exiting.filter((id) => !live.has(id));
  const closing = exits.exiting.filter((id) => live.has(id));
  const flat = await pollUntil(deps.clock, deadline, () => broker.listPositions(), (ps) => keelFlat(positionsLeft(ps, claims)));
  const left = positionsLeft(flat.value ?? before, claims);
  const problems = flat.error && !flat.met ? [`reading the broker's positions failed: ${flat.error}`] : [];
  return { flatten: flat.met ? 'done' : 'incomplete', closed, closing, failed: exits.failed, left, problems };
}

async function withSupervisor<T>(rt: PipelineRuntime, work: () => Promise<T>): Promise<T> {
  const { supervisor, control } = rt.deps;
  const wasActive = supervisor.active;
  await supervisor.start(); // idempotent; right after a halt from stopped it may still be starting
  try {
    return await work();
  } finally {
    if (!wasActive) {
      const status = await control.status();
      if (status.state === 'stopped' && !status.starting) await supervisor.stop();
    }
  }
}
