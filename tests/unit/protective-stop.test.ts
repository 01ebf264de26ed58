/** The protective stop, pure: its id, level and quantity, and how reconciliation reads it. */
import { describe, expect, it } from 'vitest';
import { desiredStop, isFractionalRefusal, protectiveStopId, stopLevel, stopPlacementOf, wholeShares } from '../../src/core/exits/protective-stop.js';
import { hardStopPrice } from '../../src/core/exits/thresholds.js';
import { reconcile } from '../../src/core/reconcile/reconcile.js';
import { dec } from '../../src/domain/money.js';
import { aJournalTrade, brokerOrder, ENTRY_AT, position, snapshot } from '../support/reconcile-builders.js';

const BASE = 'keel-t-1-entry';

describe('protective stop ids', () => {
  it('are `<entry id>-s<n>` and parse back only for their own trade', () => {
    expect(protectiveStopId(BASE, 1)).toBe('keel-t-1-entry-s1');
    expect(stopPlacementOf(BASE, 'keel-t-1-entry-s12')).toBe(12);
    expect(stopPlacementOf(BASE, 'keel-t-1-entry-x1-hard-stop')).toBeNull();
    expect(stopPlacementOf(BASE, 'keel-t-2-entry-s1')).toBeNull();
    expect(stopPlacementOf(BASE, 'keel-t-1-entry-s0')).toBeNull();
    expect(stopPlacementOf(BASE, 'keel-t-1-entry-s1x')).toBeNull();
  });
});

describe('the stop level', () => {
  it.each([
    [100, 7, '93'], [4.13, 7, '3.84'], [10.07, 3, '9.76'], [0.8731, 7, '0.8119'], [1.05, 5, '0.9975'],
  ])('entry %s, %s %% → %s: the hard stop rounded DOWN to the tick, never above Keel\'s own', (entry, pct, want) => {
    const level = stopLevel(entry, pct);
    expect(level.toFixed()).toBe(want);
    expect(level.toNumber()).toBeLessThanOrEqual(hardStopPrice(entry, pct));
  });
});

describe('the stop a trade wants', () => {
  const base = { mode: 'hard_stop' as const, level: 93.004, qty: dec('10.5'), entryWorking: false };
  it('is the held quantity at the level', () => {
    expect(desiredStop(base)).toEqual({ kind: 'stop', price: dec('93'), qty: dec('10.5') });
  });
  it.each([
    [{ mode: 'off' as const }, 'broker stops are off'],
    [{ entryWorking: true }, 'the entry order is still working'],
    [{ qty: dec(0) }, 'no shares held'],
    [{ level: null }, 'no hard-stop level (no entry price)'],
  ])('is none, with why, for %o', (patch, why) => {
    expect(desiredStop({ ...base, ...patch })).toEqual({ kind: 'none', why });
  });
  it('falls back to whole shares only on a 422 for a fractional quantity', () => {
    expect(isFractionalRefusal({ status: 422 }, dec('10.5'))).toBe(true);
    expect(isFractionalRefusal({ status: 422 }, dec('10'))).toBe(false);
    expect(isFractionalRefusal({ status: 403 }, dec('10.5'))).toBe(false);
    expect(wholeShares(dec('10.5'))).toEqual({ whole: dec(10), remainder: dec('0.5') });
  });
});

describe('reconcile: protective stops', () => {
  const stopFill = (clientOrderId: string, id = 'stop-1') => brokerOrder({
    id, clientOrderId, side: 'sell', type: 'stop', stopPrice: dec('93'), filledQty: dec('10'), filledAvgPrice: dec('92.95'),
    filledAt: ENTRY_AT + 60_000, submittedAt: ENTRY_AT + 1_000, createdAt: ENTRY_AT + 1_000,
  });

  it("closes a trade its own stop sold while Keel was down as broker_stop, at the stop's fill", () => {
    const trade = aJournalTrade({ stopClientOrderId: `${BASE}-s2`, stopOrderId: 'stop-2' });
    // an earlier placement is the trade's own too (the row names only the current one)
    for (const order of [stopFill(`${BASE}-s2`, 'stop-2'), stopFill(`${BASE}-s1`, 'stop-1')]) {
      const [finding] = reconcile([trade], snapshot({ closedOrders: new Map([['AAPL', [order]]]) }));
      expect(finding).toMatchObject({ kind: 'closed_at_broker', exitOrderId: order.id, exitReason: 'broker_stop' });
      expect(finding?.kind === 'closed_at_broker' && finding.exitPrice.toFixed()).toBe('92.95');
    }
  });

  it("owns the trade's current stop, and reports an older placement still working (never cancelled blindly)", () => {
    const trade = aJournalTrade({ stopClientOrderId: `${BASE}-s2`, stopOrderId: 'stop-2' });
    const working = (clientOrderId: string, id: string) => brokerOrder({ id, clientOrderId, side: 'sell', type: 'stop', status: 'new', statusRaw: 'new', filledQty: dec(0), filledAvgPrice: null });
    const findings = reconcile([trade], snapshot({ positions: [position('AAPL', '10')], openOrders: [working(`${BASE}-s2`, 'stop-2'), working(`${BASE}-s1`, 'stop-1')] }));
    expect(findings).toEqual([{ kind: 'unowned_open_order', orderId: 'stop-1', clientOrderId: `${BASE}-s1`, symbol: 'AAPL', side: 'sell' }]);
  });

  it("counts what a working stop already sold as the exit under way, not a shortfall", () => {
    const trade = aJournalTrade({ stopClientOrderId: `${BASE}-s1`, stopOrderId: 'stop-1' });
    const partly = brokerOrder({ id: 'stop-1', clientOrderId: `${BASE}-s1`, side: 'sell', type: 'stop', status: 'partially_filled', statusRaw: 'partially_filled', filledQty: dec(4), filledAvgPrice: dec('92.9') });
    expect(reconcile([trade], snapshot({ positions: [position('AAPL', '6')], openOrders: [partly] }))).toEqual([]);
  });
});
