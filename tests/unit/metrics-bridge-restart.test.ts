/**
 * The gauges a restart must not reset: signals still pending in the database count as pending
 * approvals (seeded at the writer's start; one decided meanwhile is not brought back), and a halt
 * restored with the kill switch as its reason shows the kill switch engaged.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../src/control/lifecycle/bot-control.js';
import type { PipelineEvent } from '../../src/control/pipeline/pipeline-runtime.js';
import { noMetrics, type MetricsPort } from '../../src/ports/metrics.port.js';
import { bridgeControlEvents, bridgePipelineEvents } from '../../src/service/metrics-bridge.js';

function recording() {
  const seen = { pending: [] as number[], killSwitch: [] as boolean[] };
  const metrics: MetricsPort = { ...noMetrics, pendingApprovals: (n) => { seen.pending.push(n); }, killSwitch: (on) => { seen.killSwitch.push(on); } };
  return { metrics, seen };
}

describe('metrics after a restart', () => {
  it('counts the signals still pending in the database, not the ones decided while they were read', () => {
    const { metrics, seen } = recording();
    const events$ = new Subject<PipelineEvent>();
    const bridge = bridgePipelineEvents(events$, metrics);
    events$.next({ type: 'signal', signalId: 'b', outcome: 'approved', tradeId: 't' } as PipelineEvent);
    bridge.seedPending(['a', 'b', 'c']);
    expect(seen.pending.at(-1)).toBe(2);
    events$.next({ type: 'expired', signalId: 'a' } as PipelineEvent);
    expect(seen.pending.at(-1)).toBe(1);
    bridge.unsubscribe();
  });

  it('shows the kill switch engaged when the bot comes back halted by it, and not for another halt', async () => {
    const { metrics, seen } = recording();
    const events$ = new Subject<ControlEvent>();
    let code = 'KILL_SWITCH';
    let read: Promise<string | null> = Promise.resolve(null);
    bridgeControlEvents(events$, metrics, () => (read = Promise.resolve(code)));
    events$.next({ type: 'state', state: 'halted' });
    await read;
    await Promise.resolve();
    expect(seen.killSwitch).toEqual([true]);
    code = 'CIRCUIT_BREAKER';
    events$.next({ type: 'state', state: 'halted' });
    await read;
    await Promise.resolve();
    expect(seen.killSwitch).toEqual([true]);
  });
});
