/** Which pipeline events ask the trader (approval notices), with the signal read by id (no database: a map). */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../src/control/pipeline/pipeline-runtime.js';
import { Decimal } from '../../src/domain/money.js';
import type { SignalRecord } from '../../src/domain/signal.js';
import { watchApprovals } from '../../src/service/approval-notices.js';
import { RecordingNotifier } from '../support/recording-notifier.js';

const AT = Date.parse('2026-11-23T15:00:00Z');
const record = (over: Partial<SignalRecord>): SignalRecord => ({
  id: 's', receivedAt: AT, executionMode: 'semi_auto', stars: 4, status: 'pending', denial: null, verdicts: [{ check: 'a', passed: true, denial: null }],
  size: { notional: new Decimal(150), inputs: {}, adjustments: [{ field: 'notional', from: new Decimal(200), to: new Decimal(150), reason: 'capped at maxPerTradeUsd $150.00' }] },
  tradeId: null, expiresAt: AT + 300_000, decidedAt: null, note: null,
  input: { id: 's', symbol: 'ABCD', side: 'buy', catalystType: 'earnings', catalystTier: 2, aiConfidence: null, stars: null, confidence: null, strategy: null, priceAtSignal: null, stopLossPrice: null, takeProfitPrice: null, floatShares: null, relativeVolume: null },
  ...over,
});

async function run(events: PipelineEvent[], records: Record<string, SignalRecord>) {
  const events$ = new Subject<PipelineEvent>();
  const notifier = new RecordingNotifier();
  const sub = watchApprovals({ events$, getSignal: async (id) => records[id] ?? null, notifier, dashboardUrl: () => 'http://127.0.0.1:3000', now: () => AT, warn: () => undefined });
  for (const e of events) events$.next(e);
  await new Promise((resolve) => setImmediate(resolve));
  sub.unsubscribe();
  return notifier;
}

describe('approval notices', () => {
  it('asks for a pending signal with its reduced size, 10:05 ET expiry and the Approvals link', async () => {
    const n = await run([{ type: 'signal', signalId: 's', outcome: 'pending', tradeId: null }], { s: record({}) });
    expect(n.sent).toHaveLength(1);
    expect(n.sent[0]).toMatchObject({ kind: 'approval_pending', title: 'Approve? ABCD 4★ $150.00' });
    expect(n.sent[0]!.text).toBe('earnings tier 2; checks 1/1 passed; size reduced from $200.00 to $150.00: capped at maxPerTradeUsd $150.00; expires 10:05 ET. http://127.0.0.1:3000/#/approvals');
  });

  it('tells an approval\'s expiry, and nothing for a signal that expired waiting for a broker read, or that fired', async () => {
    const n = await run([
      { type: 'expired', signalId: 'approval' }, { type: 'expired', signalId: 'too-old' }, { type: 'signal', signalId: 'f', outcome: 'fired', tradeId: 't' },
      { type: 'expired', signalId: 'unknown' },
    ], { approval: record({ id: 'approval', status: 'expired' }), 'too-old': record({ id: 'too-old', status: 'expired', expiresAt: null }), f: record({ id: 'f', status: 'fired' }) });
    expect(n.sent.map((x) => x.key)).toEqual(['approval_expired:approval']);
  });
});
