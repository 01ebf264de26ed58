import { describe, expect, it } from 'vitest';
import * as parse from '../../src/adapters/alpaca/parse.js';
import * as wire from '../../src/adapters/alpaca/serialize.js';
import { dec } from '../../src/domain/money.js';
import {
  aBar, aBracketOrder, aCalendarDay, aClock, aFill, aFillUpdate, aPosition, aQuote, aSnapshot, aTrade, anAccount, anOrder,
} from '../support/alpaca-builders.js';

/** the JSON text round trip a real socket/HTTP body goes through */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('parse(serialize(x)) returns x', () => {
  it('for a simple order with a position intent', () => {
    expect(parse.parseOrder(overTheWire(wire.orderToWire(anOrder())))).toEqual(anOrder());
  });

  it('for a notional order and for a bracket with nested legs', () => {
    const notional = anOrder({ qty: null, notional: dec('500.75'), type: 'market', limitPrice: null, positionIntent: null });
    expect(parse.parseOrder(overTheWire(wire.orderToWire(notional)))).toEqual(notional);
    expect(parse.parseOrder(overTheWire(wire.orderToWire(aBracketOrder())))).toEqual(aBracketOrder());
  });

  it('for an order whose status this build does not know', () => {
    const order = anOrder({ status: 'unknown', statusRaw: 'pending_review' });
    expect(parse.parseOrder(overTheWire(wire.orderToWire(order)))).toEqual(order);
  });

  it('for a short position, an account, a clock, a calendar day and a fill activity', () => {
    expect(parse.parsePosition(overTheWire(wire.positionToWire(aPosition())))).toEqual(aPosition());
    expect(parse.parseAccount(overTheWire(wire.accountToWire(anAccount())))).toEqual(anAccount());
    const sparse = anAccount({ regtBuyingPower: null, multiplier: null, createdAt: null });
    expect(parse.parseAccount(overTheWire(wire.accountToWire(sparse)))).toEqual(sparse);
    expect(parse.parseClock(overTheWire(wire.clockToWire(aClock())))).toEqual(aClock());
    expect(parse.parseCalendar(overTheWire([wire.calendarDayToWire(aCalendarDay())]))).toEqual([aCalendarDay()]);
    expect(parse.parseFillActivities(overTheWire([wire.fillActivityToWire(aFill())]))).toEqual([aFill()]);
  });

  it('for a fill trade update', () => {
    const message = parse.parseTradeStreamMessage(overTheWire(wire.tradeUpdateToWire(aFillUpdate())));
    expect(message).toEqual({ kind: 'trade_update', update: aFillUpdate() });
  });

  it('for REST trades, quotes, bars and snapshots', () => {
    expect(parse.parseTrade('AAPL', overTheWire(wire.tradeToWire(aTrade())))).toEqual(aTrade());
    expect(parse.parseQuote('AAPL', overTheWire(wire.quoteToWire(aQuote())))).toEqual(aQuote());
    const sparseBar = aBar({ n: null, vw: null });
    expect(parse.parseBar('AAPL', overTheWire(wire.barToWire(sparseBar)))).toEqual(sparseBar);
    expect(parse.parseSnapshots(overTheWire({ AAPL: wire.snapshotToWire(aSnapshot()) }))).toEqual({ AAPL: aSnapshot() });
  });

  it('for data-stream trade, quote and bar messages', () => {
    const frame = [wire.tradeToStreamMessage(aTrade()), wire.quoteToStreamMessage(aQuote()), wire.barToStreamMessage(aBar(), 'u')];
    expect(parse.parseDataStreamFrame(overTheWire(frame))).toEqual([
      { T: 't', trade: aTrade() }, { T: 'q', quote: aQuote() }, { T: 'u', bar: aBar() },
    ]);
  });
});

describe('wire details', () => {
  it('lists every order key with null where not applicable, order_type = type, order_class "" when simple', () => {
    const order = wire.orderToWire(anOrder({ positionIntent: null }));
    expect(order).toMatchObject({ order_class: '', order_type: 'limit', type: 'limit', filled_at: null, stop_price: null, legs: null });
    expect(order.filled_avg_price).toBe('105.8988475');
    expect(Object.keys(order)).not.toContain('position_intent');
  });

  it('renders clock times in New York with the summer and winter offsets', () => {
    expect(wire.clockToWire(aClock())).toEqual({
      timestamp: '2025-06-24T14:15:22-04:00', is_open: true,
      next_open: '2025-06-25T09:30:00-04:00', next_close: '2025-06-24T16:00:00-04:00',
    });
    const winter = { ...aClock(), timestamp: Date.parse('2025-12-01T15:00:00.250Z') };
    expect(wire.clockToWire(winter).timestamp).toBe('2025-12-01T10:00:00.250-05:00');
  });

  it('writes fill execution fields as decimal strings', () => {
    expect(wire.tradeUpdateToWire(aFillUpdate()).data).toMatchObject({
      event: 'fill', execution_id: '2f63ea93-423d-4169-b3f6-3fdafc10c418', price: '105.91', qty: '6', position_qty: '10',
    });
  });

  it('omits execution fields on a non-fill event', () => {
    const update = { ...aFillUpdate(), event: 'new' as const, eventRaw: 'new', executionId: null, price: null, qty: null, positionQty: null, eventId: null, at: null };
    expect(Object.keys(wire.tradeUpdateToWire(update).data as object).sort()).toEqual(['event', 'order', 'timestamp']);
  });

  it('builds a bracket request body with string decimals and no absent fields', () => {
    const body = wire.toOrderRequestBody({
      symbol: 'SPY', side: 'buy', type: 'limit', timeInForce: 'gtc', clientOrderId: 'c1', qty: dec('100'),
      limitPrice: dec('300.1'), orderClass: 'bracket', takeProfit: { limitPrice: dec('301') }, stopLoss: { stopPrice: dec('299') },
    });
    expect(body).toEqual({
      symbol: 'SPY', qty: '100', side: 'buy', type: 'limit', time_in_force: 'gtc', limit_price: '300.1',
      client_order_id: 'c1', order_class: 'bracket', take_profit: { limit_price: '301' }, stop_loss: { stop_price: '299' },
    });
  });

  it('leaves order_class out of a simple request', () => {
    const body = wire.toOrderRequestBody({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', clientOrderId: 'c2', notional: dec('500.75'), orderClass: 'simple' });
    expect(body).toEqual({ symbol: 'AAPL', notional: '500.75', side: 'sell', type: 'market', time_in_force: 'day', client_order_id: 'c2' });
  });
});
