/** Every kill-switch step is journaled under one subject, so one query tells the whole story. */
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { appendJournal } from '../../adapters/postgres/index.js';
// one subject for the kill switch and the control's cancel of its queued flatten (defined there:
// the control must not import the pipeline)
import { KILL_SWITCH_SUBJECT } from './flatten-queue.js';

export { KILL_SWITCH_SUBJECT };

export async function journalStep(deps: Pick<PipelineDeps, 'db' | 'clock'>, cause: string, message: string, data: Record<string, unknown>): Promise<void> {
  await appendJournal(deps.db, { kind: 'warning', cause, subject: KILL_SWITCH_SUBJECT, message, data }, deps.clock.now());
}

/** how long each wait of the kill switch (acknowledgements; closes and flat) may last */
export const waitBudgetMs = (deps: Pick<PipelineDeps, 'emergencyCloseWaitMs'>): number => deps.emergencyCloseWaitMs ?? 30_000;
