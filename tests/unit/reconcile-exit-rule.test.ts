/**
 * A trade closed at the broker by its OWN exit sell keeps the rule that fired: the sell's client
 * order id names it, and the row may hold only the id's stem (the sell goes out before 'exiting'
 * is written, so a crash in between leaves an open row with the stem persisted at the open).
 */
import { describe, expect, it } from 'vitest';
import { exitOrderId, exitOrderStem, exitStemOf, parseExitOrderId } from '../../src/core/exits/exit-order-id.js';
import { reconcile } from '../../src/core/reconcile/reconcile.js';
import { dec } from '../../src/domain/money.js';
import { aJournalTrade, brokerOrder, ENTRY_AT, position, snapshot } from '../support/reconcile-builders.js';

const STEM = exitOrderStem('k-abc-e', 1);
const sell = (clientOrderId: string, id = 's-1') =>
  brokerOrder({ id, clientOrderId, side: 'sell', filledQty: dec('10'), filledAvgPrice: dec('93'), filledAt: ENTRY_AT + 60_000, submittedAt: ENTRY_AT + 59_000, createdAt: ENTRY_AT + 59_000 });
const closedWith = (trade: ReturnType<typeof aJournalTrade>, order: ReturnType<typeof sell>) =>
  reconcile([trade], snapshot({ closedOrders: new Map([['AAPL', [order]]]) }));

describe('exit order ids', () => {
  it('carry the rule after the stem, and parse back (a bare stem has no rule)', () => {
    expect(exitOrderId(STEM, 'force_close_eod')).toBe('k-abc-e-x1-force-close-eod');
    expect(parseExitOrderId('k-abc-e-x2-hard-stop')).toEqual({ stem: 'k-abc-e-x2', attempt: 2, reason: 'hard_stop' });
    expect(parseExitOrderId(STEM)).toEqual({ stem: STEM, attempt: 1, reason: null });
    expect(parseExitOrderId('k-abc-e')).toBeNull();
    expect(parseExitOrderId('k-abc-e-x1-not-a-rule')).toBeNull();
    expect(parseExitOrderId('k-abc-e-x1-reconciled-closed-at-broker')).toBeNull();
    expect(exitStemOf('k-abc-e-x1-kill-switch')).toBe(STEM);
  });
});

describe('reconcile: the exit rule of a trade closed at the broker', () => {
  it('is the rule of its own sell when the row holds only the stem (crash between the POST and the record)', () => {
    const trade = aJournalTrade({ status: 'open', entryClientOrderId: 'k-abc-e', exitClientOrderId: STEM });
    expect(closedWith(trade, sell(exitOrderId(STEM, 'hard_stop')))).toEqual([
      expect.objectContaining({ kind: 'closed_at_broker', tradeId: 't-1', exitOrderId: 's-1', exitReason: 'hard_stop' }),
    ]);
  });

  it('is the rule of its own sell when the trade was already exiting', () => {
    const coid = exitOrderId(STEM, 'trailing_stop');
    const trade = aJournalTrade({ status: 'exiting', entryClientOrderId: 'k-abc-e', exitClientOrderId: coid });
    expect(closedWith(trade, sell(coid))).toEqual([expect.objectContaining({ kind: 'closed_at_broker', exitReason: 'trailing_stop' })]);
  });

  it('stays reconciled_closed_at_broker for a sell that is not its own, even one of Keel\'s', () => {
    const trade = aJournalTrade({ status: 'open', entryClientOrderId: 'k-abc-e', exitClientOrderId: STEM });
    expect(closedWith(trade, sell('manual-sell-at-the-broker'))).toEqual([expect.objectContaining({ exitReason: 'reconciled_closed_at_broker' })]);
    expect(closedWith(trade, sell(exitOrderId(exitOrderStem('k-other-e', 1), 'hard_stop')))).toEqual([expect.objectContaining({ exitReason: 'reconciled_closed_at_broker' })]);
  });

  it('stays reconciled_closed_at_broker for its own sell sent before ids named the rule', () => {
    const trade = aJournalTrade({ status: 'exiting', entryClientOrderId: 'k-abc-e', exitClientOrderId: STEM });
    expect(closedWith(trade, sell(STEM))).toEqual([expect.objectContaining({ kind: 'closed_at_broker', exitReason: 'reconciled_closed_at_broker' })]);
  });

  it('does not report its own working sell as unowned when the row holds only the stem', () => {
    const trade = aJournalTrade({ status: 'open', entryClientOrderId: 'k-abc-e', exitClientOrderId: STEM });
    const working = { ...sell(exitOrderId(STEM, 'hard_stop')), status: 'new' as const, statusRaw: 'new', filledQty: dec(0), filledAvgPrice: null };
    const findings = reconcile([trade], snapshot({ positions: [position('AAPL', '10')], openOrders: [working] }));
    expect(findings).toEqual([]);
  });
});
