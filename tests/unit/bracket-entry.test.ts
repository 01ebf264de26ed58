/** Choosing a whole-share bracket entry, pure (core/sizing/bracket-entry.ts), and reconciling its legs. */
import { describe, expect, it } from 'vitest';
import { planExits } from '../../src/core/exits/exit-plan.js';
import { reconcile } from '../../src/core/reconcile/reconcile.js';
import { chooseEntry } from '../../src/core/sizing/bracket-entry.js';
import { dec } from '../../src/domain/money.js';
import { aJournalTrade, brokerOrder, ENTRY_AT, snapshot } from '../support/reconcile-builders.js';

const settings = { entryOrderType: 'bracket' as const, entryLimitOffsetPct: null, hardStopLossPct: 7, profitTargetPct: 10 };
const plain = planExits({ catalystType: 'earnings', stopLossPrice: null, takeProfitPrice: null }, {});

describe('chooseEntry', () => {
  it('buys floor(size ÷ price) whole shares with legs at the levels: the stop rounded down, the target up', () => {
    const { plan, fallback } = chooseEntry(plain, settings, dec('13.37'), dec('100'));
    expect(fallback).toBeNull();
    // 7 % under 13.37 is 12.4341 → 12.43; 10 % over is 14.707 → 14.71
    expect(plan.bracket).toEqual({ qty: '7', limitPrice: null, takeProfit: '14.71', stopLoss: '12.43' });
    expect(plan).toMatchObject({ stopPrice: '12.43', targetPrice: '14.71' });
  });

  it("uses the signal's own levels, and a limit at the price + the offset as the base", () => {
    const own = planExits({ catalystType: 'earnings', stopLossPrice: dec('9.5'), takeProfitPrice: dec('11.237') }, {});
    const { plan } = chooseEntry(own, { ...settings, entryLimitOffsetPct: 0.5 }, dec('10'), dec('100'));
    expect(plan.bracket).toEqual({ qty: '10', limitPrice: '10.05', takeProfit: '11.24', stopLoss: '9.5' });
  });

  it('falls back to the notional market buy, saying why: no price, less than a share, legs not a cent from the base', () => {
    expect(chooseEntry(plain, settings, null, dec('100')).fallback).toBe('bracket entry not possible (the signal carries no price): the notional market buy');
    expect(chooseEntry(plain, settings, dec('150'), dec('100')).fallback).toBe('bracket entry not possible ($100.00 buys less than one whole share at $150): the notional market buy');
    // a 0.01 % stop under $0.50 is 0.4999: not a cent below the price
    const tight = chooseEntry(plain, { ...settings, hardStopLossPct: 0.01 }, dec('0.5'), dec('100'));
    expect(tight.fallback).toContain('(stop 0.4999, target 0.55) are not a cent on their sides of 0.5');
    expect(tight.plan.bracket ?? null).toBeNull();
  });

  it('leaves the notional market buy alone when brackets are not asked for', () => {
    expect(chooseEntry(plain, { ...settings, entryOrderType: 'notional_market' }, dec('10'), dec('100'))).toEqual({ plan: plain, fallback: null });
  });
});

describe('reconcile: a bracket leg that sold while Keel was down', () => {
  const trade = aJournalTrade({ stopOrderId: 'leg-sl', stopClientOrderId: 'uuid-sl', targetOrderId: 'leg-tp' });
  const leg = (id: string, type: 'limit' | 'stop') => brokerOrder({
    id, clientOrderId: `uuid-${id}`, side: 'sell', type, orderClass: 'bracket', filledQty: dec('10'), filledAvgPrice: dec('110'),
    filledAt: ENTRY_AT + 60_000, submittedAt: ENTRY_AT, createdAt: ENTRY_AT,
  });
  it('closes it profit_target (the take-profit leg) or hard_stop (the stop leg), at the leg\'s fill', () => {
    for (const [order, reason] of [[leg('leg-tp', 'limit'), 'profit_target'], [leg('leg-sl', 'stop'), 'hard_stop']] as const) {
      const [finding] = reconcile([trade], snapshot({ closedOrders: new Map([['AAPL', [order]]]) }));
      expect(finding).toMatchObject({ kind: 'closed_at_broker', exitOrderId: order.id, exitReason: reason });
    }
  });
});
