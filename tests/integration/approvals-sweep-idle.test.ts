/**
 * The approval expiry sweep costs nothing while nothing can expire: no statement and no timer a
 * second. It looks once (a restart may have left pending signals), then waits for a signal to
 * become pending; a pending one brings back its one-second pace until it is decided.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { runExpirySweep } from '../../src/control/pipeline/approvals.js';
import { PipelineRuntime } from '../../src/control/pipeline/pipeline-runtime.js';
import type { PipelineDeps } from '../../src/control/pipeline/pipeline-deps.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { eventually } from '../support/eventually.js';

let t: TestDb;
beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });

describe('the approval expiry sweep', () => {
  it('looks once, then holds no timer until a signal becomes pending', async () => {
    const clock = new ManualClock('2026-11-20T15:00:00Z');
    // the sweep reads only the clock, the database and its warnings of the pipeline's deps
    const rt = new PipelineRuntime({ db: t.db, clock, warn: () => undefined } as unknown as PipelineDeps);
    const abort = new AbortController();
    const sweeping = runExpirySweep(rt, abort.signal);
    expect(rt.nextExpiryAt).toBe(-Infinity); // unknown at the start: it must look
    clock.advance(1_000);
    await eventually(async () => expect(rt.nextExpiryAt).toBe(Infinity)); // looked: nothing pending
    clock.advance(1_000); // the wait asked for before that pass ends
    await eventually(async () => expect(clock.pending).toBe(0));
    const sleeps = clock.sleeps.length;
    clock.advance(3_600_000);
    expect(clock.sleeps.length).toBe(sleeps); // an idle hour: not one wake-up

    rt.pendingUntil(clock.now() + 300_000);
    await eventually(async () => expect(clock.pending).toBe(1)); // back to its one-second pace
    expect(clock.sleeps.slice(sleeps)).toEqual([1_000]);
    abort.abort(new Error('stopped'));
    await sweeping;
  });
});
