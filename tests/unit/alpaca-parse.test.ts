import { describe, expect, it } from 'vitest';
import {
  parseAccount, parseBar, parseBarsPage, parseCalendar, parseCancelAllOrders, parseClock, parseCloseAllPositions,
  parseDataStreamFrame, parseErrorBody, parseFillActivities, parseLatestTrades, parseOrder, parsePosition,
  parsePositions, parseQuote, parseSnapshot, parseSnapshots, parseTrade, parseTradeStreamMessage,
} from '../../src/adapters/alpaca/parse.js';
import { ParseError } from '../../src/domain/broker-error.js';
import { listFixtures, loadFixture } from '../support/fixtures.js';

type Json = Record<string, unknown>;
type Check = (json: unknown) => void;

const DATA_TYPES_KEEL_READS = new Set(['success', 'error', 'subscription', 't', 'q', 'b', 'u', 'd', 's']);

const eachValue = (json: unknown, key: string, check: (symbol: string, v: unknown) => void) => {
  for (const [symbol, v] of Object.entries((json as Json)[key] as Json)) check(symbol, v);
};
const eachItem = (json: unknown, key: string, check: (symbol: string, v: unknown) => void) => {
  const list = (json as Json)[key];
  if (Array.isArray(list)) return list.forEach((v) => check(String((json as Json).symbol), v));
  eachValue(json, key, (symbol, items) => (items as unknown[]).forEach((v) => check(symbol, v)));
};
const expectStreamOk = (json: unknown) => expect(parseTradeStreamMessage(json).kind).not.toBe('other');
const asTradeUpdate = (json: unknown) => ((json as Json).stream ? json : { stream: 'trade_updates', data: json });

/** filename pattern → parser; the first match wins. A fixture no pattern matches fails the suite. */
const ROUTES: Array<[RegExp, Check | 'skip']> = [
  [/^request-/, 'skip'], // client → server bodies: checked against the request schema instead
  [/^stream-trading-.*request/, 'skip'], // client → server handshake messages
  [/^account-activities-fill/, (j) => expect(parseFillActivities(j)).toHaveLength(1)],
  [/(^|\/)account/, (j) => expect(parseAccount(j).status).toBe('ACTIVE')],
  [/^calendar-day-/, (j) => expect(parseCalendar([j])).toHaveLength(1)],
  [/^calendar/, (j) => expect(parseCalendar(j).length).toBeGreaterThan(0)],
  [/^clock/, (j) => expect(parseClock(j).nextClose).toBeGreaterThan(0)],
  [/(^|\/)error-/, (j) => expect(parseErrorBody(JSON.stringify(j)).message).not.toBe('')],
  [/^md-bars-/, (j) => parseBarsPage(j)],
  [/^md-latest-bar-single/, (j) => parseBar(String((j as Json).symbol), (j as Json).bar)],
  [/^md-latest-bars/, (j) => eachValue(j, 'bars', (s, v) => parseBar(s, v))],
  [/^md-latest-quote-single/, (j) => parseQuote(String((j as Json).symbol), (j as Json).quote)],
  [/^md-latest-quotes/, (j) => eachValue(j, 'quotes', (s, v) => parseQuote(s, v))],
  [/^md-latest-trade-single/, (j) => parseTrade(String((j as Json).symbol), (j as Json).trade)],
  [/^md-latest-trades/, (j) => parseLatestTrades(j)],
  [/^md-quotes-/, (j) => eachItem(j, 'quotes', (s, v) => parseQuote(s, v))],
  [/^md-trades-/, (j) => eachItem(j, 'trades', (s, v) => parseTrade(s, v))],
  [/^md-snapshot-single/, (j) => expect(parseSnapshot(j).symbol).toBe('AAPL')],
  [/^md-snapshots/, (j) => expect(Object.keys(parseSnapshots(j))).toContain('AAPL')],
  [/^md-stream-.*request/, (j) => expect(typeof (j as Json).action).toBe('string')],
  [/md-stream-/, (j) => {
    for (const [i, message] of parseDataStreamFrame(j).entries()) {
      const sent = ((j as Json[])[i] as Json).T as string;
      expect(message.T).toBe(DATA_TYPES_KEEL_READS.has(sent) ? sent : 'other');
    }
  }],
  [/^order-/, (j) => parseOrder(j)],
  [/^orders-cancel-all-207-element/, (j) => expect(parseCancelAllOrders([j])[0]?.error).toBeNull()],
  [/^orders-cancel-all-207/, (j) => expect(parseCancelAllOrders(j)).toHaveLength(2)],
  [/^position-close-order/, (j) => parseOrder(j)],
  [/^positions-close-all-207-element/, (j) => expect(parseCloseAllPositions([j])[0]?.order?.symbol).toBe('AAPL')],
  [/^positions-close-all-207/, (j) => expect(parseCloseAllPositions(j)).toHaveLength(3)],
  [/^positions\.json/, (j) => expect(parsePositions(j)).toHaveLength(2)],
  [/^position/, (j) => parsePosition(j)],
  [/^stream-trading-/, expectStreamOk],
  [/trade-update-/, (j) => expect(parseTradeStreamMessage(asTradeUpdate(j)).kind).toBe('trade_update')],
];

const routeOf = (name: string) => ROUTES.find(([pattern]) => pattern.test(name))?.[1];

describe('every shared Alpaca fixture', () => {
  const fixtures = listFixtures();

  it('is routed to a parser (add a route when a fixture is added)', () => {
    expect(fixtures.length).toBeGreaterThan(100);
    expect(fixtures.filter((name) => routeOf(name) === undefined)).toEqual([]);
  });

  it.each(fixtures.filter((name) => routeOf(name) !== 'skip'))('parses %s', (name) => {
    const check = routeOf(name);
    if (typeof check === 'function') check(loadFixture(name));
  });
});

const orderFixture = () => loadFixture('order-filled.json') as Json;

describe('parseOrder', () => {
  it('keeps decimal strings exact', () => {
    const order = parseOrder(orderFixture());
    expect(order.filledAvgPrice?.toFixed()).toBe('105.8988475');
    expect(order.filledQty.toFixed()).toBe('1790.86');
  });

  it('accepts decimals sent as JSON numbers', () => {
    const order = parseOrder({ ...orderFixture(), qty: 3.654, limit_price: 150.25 });
    expect(order.qty?.toFixed()).toBe('3.654');
    expect(order.limitPrice?.toFixed()).toBe('150.25');
  });

  it('reads nanosecond timestamps with a -04:00 offset to the millisecond', () => {
    const order = parseOrder(orderFixture());
    expect(order.createdAt).toBe(Date.parse('2022-04-19T17:45:04.981Z'));
    expect(order.filledAt).toBe(Date.parse('2022-04-19T17:45:05.024Z'));
  });

  it('maps order_class "" (and an absent order_class) to simple', () => {
    expect(parseOrder(orderFixture()).orderClass).toBe('simple');
    const { order_class: _dropped, ...legacy } = orderFixture();
    expect(parseOrder(legacy).orderClass).toBe('simple');
  });

  it('keeps an unknown status as unknown with the raw value', () => {
    const order = parseOrder({ ...orderFixture(), status: 'pending_review' });
    expect(order.status).toBe('unknown');
    expect(order.statusRaw).toBe('pending_review');
  });

  it('parses a multi-leg option parent with empty side and symbol, legs included', () => {
    const order = parseOrder(loadFixture('order-mleg-filled.json'));
    expect(order.orderClass).toBe('mleg');
    expect(order.symbol).toBe('');
    expect(order.legs?.map((leg) => [leg.symbol, leg.side, leg.type])).toEqual([
      ['AAPL241213C00250000', 'buy', 'market'],
      ['AAPL241213C00260000', 'sell', 'market'],
    ]);
  });

  it('rejects an empty side on a non-mleg order', () => {
    expect(() => parseOrder({ ...orderFixture(), side: '' })).toThrow(/order\.side: expected one of buy\|sell, got ""/);
  });

  it('lists every problem of a bad order at once, each with its JSON path', () => {
    const bad = { ...orderFixture(), filled_qty: 'abc', side: 'hold', created_at: 'yesterday', legs: [{ id: 7 }] };
    let error: unknown;
    try {
      parseOrder(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    const problems = (error as ParseError).problems;
    expect(problems).toContain('order.filled_qty: expected decimal, got "abc"');
    expect(problems).toContain('order.side: expected one of buy|sell, got "hold"');
    expect(problems).toContain('order.created_at: expected RFC 3339 timestamp, got "yesterday"');
    expect(problems).toContain('order.legs[0].id: expected string, got 7');
    expect(problems.length).toBeGreaterThan(4);
  });
});

describe('account and positions', () => {
  it('parses an account without the PDT fields removed on 2026-07-06', () => {
    const account = parseAccount(loadFixture('synthesized/account-after-2026-07-06.json'));
    expect(account.buyingPower.toFixed()).toBe('245432.61');
    expect(account.lastEquity?.toFixed()).toBe('122011.09751111286868');
  });

  it('keeps a short position quantity negative', () => {
    const position = parsePosition(loadFixture('position-short-2019.json'));
    expect(position.side).toBe('short');
    expect(position.qty.toFixed()).toBe('-2478');
    expect(position.qtyAvailable).toBeNull();
  });

  it('reports each failed element of a 207 close-all with its code and message', () => {
    const [btc, sqqq] = parseCloseAllPositions(loadFixture('positions-close-all-207.json'));
    expect(btc?.order?.qty?.toFixed()).toBe('0.0283');
    expect(sqqq).toMatchObject({ symbol: 'SQQQ', status: 403, order: null, error: { code: 40310000 } });
  });
});

describe('parseTradeStreamMessage', () => {
  const fill = () => loadFixture('trade-update-fill.json') as { stream: string; data: Json };

  it('reads a fill with its per-execution price, qty and position', () => {
    const message = parseTradeStreamMessage(fill());
    if (message.kind !== 'trade_update') throw new Error(`got ${message.kind}`);
    expect(message.update.event).toBe('fill');
    expect(message.update.price?.toFixed()).toBe('105.8988475');
    expect(message.update.positionQty?.toFixed()).toBe('0');
  });

  it('parses an unknown event with a good order as event "unknown"', () => {
    const message = parseTradeStreamMessage({ ...fill(), data: { ...fill().data, event: 'margin_call' } });
    expect(message).toMatchObject({ kind: 'trade_update', update: { event: 'unknown', eventRaw: 'margin_call' } });
  });

  it('returns trade_update_unparsed with the order id when the order is bad', () => {
    const data = fill().data;
    const message = parseTradeStreamMessage({ stream: 'trade_updates', data: { ...data, order: { ...(data.order as Json), filled_qty: 'x' } } });
    expect(message).toMatchObject({ kind: 'trade_update_unparsed', orderId: 'a5be8f5e-fdfa-41f5-a644-7a74fe947a8f', event: 'fill' });
    if (message.kind === 'trade_update_unparsed') expect(message.problems).toEqual(['data.order.filled_qty: expected decimal, got "x"']);
  });

  it('reads authorization, listening and in-stream errors', () => {
    expect(parseTradeStreamMessage(loadFixture('stream-trading-unauthorized-with-message.json')))
      .toEqual({ kind: 'authorization', status: 'unauthorized', action: 'authenticate', message: 'access key verification failed' });
    expect(parseTradeStreamMessage(loadFixture('stream-trading-listening.json'))).toEqual({ kind: 'listening', streams: ['trade_updates'] });
    expect(parseTradeStreamMessage(loadFixture('stream-trading-error.json'))).toEqual({ kind: 'error', message: 'internal server error' });
  });
});

describe('market data', () => {
  it('keeps the good messages of a frame and turns a bad one into other', () => {
    const [good, bad, bar] = parseDataStreamFrame([
      { T: 't', S: 'AAPL', i: 1, x: 'D', p: 126.55, s: 1, t: '2021-02-22T15:51:44.208Z', c: ['@'], z: 'C' },
      { T: 'q', S: 'AMD', bp: 'cheap' },
      { T: 'b', S: 'SPY', o: 1, h: 2, l: 0.5, c: 1.5, v: 10, t: '2021-02-22T19:15:00Z' },
    ]);
    expect(good).toMatchObject({ T: 't', trade: { symbol: 'AAPL', price: 126.55 } });
    expect(bad).toEqual({ T: 'other', raw: { T: 'q', S: 'AMD', bp: 'cheap' } });
    expect(bar).toMatchObject({ T: 'b', bar: { symbol: 'SPY', n: null, vw: null } });
  });

  it('fills the channels a test-stream subscription omits', () => {
    const [message] = parseDataStreamFrame(loadFixture('md-stream-subscription-test.json'));
    expect(message).toEqual({ T: 'subscription', subscription: { trades: [], quotes: ['FAKEPACA'], bars: ['FAKEPACA'] } });
  });

  it('reads multi and single bar pages keyed by symbol', () => {
    const multi = parseBarsPage(loadFixture('md-bars-multi-last-page.json'));
    expect(Object.keys(multi.bars)).toEqual(['AAPL', 'TSLA']);
    expect(multi.nextPageToken).toBeNull();
    const single = parseBarsPage(loadFixture('md-bars-single.json'));
    expect(single.bars.AAPL?.[0]?.t).toBe(Date.parse('2022-01-03T09:00:00Z'));
    expect(single.nextPageToken).toMatch(/^QUFQ/);
  });

  it('reads an empty latest-trades answer as no symbols', () => {
    expect(parseLatestTrades(loadFixture('md-latest-trades-empty.json'))).toEqual({});
  });

  it('lists every bad field of a bar', () => {
    expect(() => parseBar('AAPL', { t: 'x', o: '1', h: 2, l: 1, c: 1, v: 1 }))
      .toThrow('invalid bar: bar.t: expected RFC 3339 timestamp, got "x"; bar.o: expected number, got "1"');
  });
});

describe('parseErrorBody', () => {
  it('keeps code, message and context fields', () => {
    const parsed = parseErrorBody(JSON.stringify(loadFixture('error-403-insufficient-buying-power.json')));
    expect(parsed).toMatchObject({ code: 40310000, message: 'insufficient buying power', body: { buying_power: '176531.28' } });
  });

  it('accepts a message-only body', () => {
    expect(parseErrorBody('{"message":"forbidden."}')).toMatchObject({ code: null, message: 'forbidden.' });
  });

  it('uses non-JSON text as the message', () => {
    expect(parseErrorBody('Service Unavailable\n')).toEqual({ code: null, message: 'Service Unavailable', body: 'Service Unavailable\n' });
  });
});
