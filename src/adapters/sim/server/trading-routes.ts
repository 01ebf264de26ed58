/**
 * Trading REST (docs/alpaca.md §2) over the core. Every body goes through ../../alpaca/serialize.ts so the
 * simulator speaks exactly the wire format Keel's Alpaca adapter parses.
 */
import type { Hono } from 'hono';
import {
  accountToWire,
  calendarDayToWire,
  clockToWire,
  fillActivityToWire,
  orderToWire,
  positionToWire,
} from '../../alpaca/serialize.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { Order } from '../../../domain/order.js';
import type { SimActivitiesQuery, SimExchangeCore, SimListOrdersQuery } from '../exchange.types.js';
import { addDays, etDate, queryDateToEt } from './et-date.js';
import { sendError, sendMultiStatus, sendResult, type SimContext } from './http-result.js';
import type { SimEnv } from './sim-env.js';

const BY_CLIENT_ORDER_ID = /^\/v2\/orders(:|%3a)by_client_order_id$/i;

function pick<K extends string>(c: SimContext, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = c.req.query(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const ORDER_QUERY_KEYS = ['status', 'limit', 'after', 'until', 'direction', 'nested', 'symbols', 'side'] as const;
const ACTIVITY_QUERY_KEYS = ['after', 'until', 'direction', 'page_size', 'page_token', 'date'] as const;

function fills(c: SimContext, core: SimExchangeCore): Response {
  const query: SimActivitiesQuery = pick(c, ACTIVITY_QUERY_KEYS);
  return sendResult(c, core.fillActivities(query), (list) => list.map(fillActivityToWire));
}

function calendar(c: SimContext, core: SimExchangeCore, clock: Clock): Response {
  const today = etDate(clock.now());
  const startText = c.req.query('start');
  const endText = c.req.query('end');
  const start = startText ? queryDateToEt(startText) : today;
  const end = endText ? queryDateToEt(endText) : addDays(today, 30);
  if (start === null) return sendError(c, 400, { code: 40010000, message: 'failed to parse start' });
  if (end === null) return sendError(c, 400, { code: 40010000, message: 'failed to parse end' });
  return sendResult(c, core.calendar(start, end), (days) => days.map(calendarDayToWire));
}

/** the request's JSON body handed to `handle`; 400 as Alpaca answers when it is not JSON */
async function withJsonBody(c: SimContext, handle: (body: unknown) => Response): Promise<Response> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return sendError(c, 400, { code: 40010000, message: 'failed to decode request body' });
  }
  return handle(body);
}

export function registerTradingRoutes(app: Hono<SimEnv>, core: SimExchangeCore, clock: Clock): void {
  // The literal colon would read as a route parameter to most routers: match the exact path first.
  app.use(async (c, next) => {
    if (c.req.method !== 'GET' || !BY_CLIENT_ORDER_ID.test(c.req.path)) return next();
    const clientOrderId = c.req.query('client_order_id');
    if (!clientOrderId) return sendError(c, 422, { code: 40010001, message: 'client_order_id is missing' });
    return sendResult(c, core.getOrderByClientOrderId(clientOrderId), orderToWire);
  });

  app.get('/v2/account', (c) => c.json(accountToWire(core.account())));
  app.get('/v2/clock', (c) => c.json(clockToWire(core.marketClock())));
  app.get('/v2/calendar', (c) => calendar(c, core, clock));

  app.get('/v2/positions', (c) => c.json(core.positions().map(positionToWire)));
  app.get('/v2/positions/:symbol', (c) => sendResult(c, core.position(c.req.param('symbol')), positionToWire));
  app.delete('/v2/positions/:symbol', (c) =>
    sendResult(c, core.closePosition(c.req.param('symbol'), pick(c, ['qty', 'percentage'] as const)), orderToWire),
  );
  app.delete('/v2/positions', (c) => {
    const results = core.closeAllPositions(c.req.query('cancel_orders') === 'true');
    return sendMultiStatus(
      c,
      results.map((r) => ({ symbol: r.symbol, status: r.status, body: r.status === 200 ? orderToWire(r.body as Order) : r.body })),
    );
  });

  app.post('/v2/orders', (c) => withJsonBody(c, (body) => sendResult(c, core.submitOrder(body), orderToWire)));
  app.get('/v2/orders', (c) => {
    const query: SimListOrdersQuery = pick(c, ORDER_QUERY_KEYS);
    return sendResult(c, core.listOrders(query), (orders) => orders.map(orderToWire));
  });
  app.get('/v2/orders/:id', (c) => sendResult(c, core.getOrder(c.req.param('id')), orderToWire));
  app.delete('/v2/orders/:id', (c) => {
    const result = core.cancelOrder(c.req.param('id'));
    return result.ok ? c.body(null, 204) : sendError(c, result.status, result.body);
  });
  app.delete('/v2/orders', (c) =>
    sendMultiStatus(c, core.cancelAllOrders().map((r) => (r.body ? { id: r.id, status: r.status, body: r.body } : { id: r.id, status: r.status }))),
  );
  app.patch('/v2/orders/:id', (c) => withJsonBody(c, (body) => sendResult(c, core.replaceOrder(c.req.param('id'), body), orderToWire)));

  app.get('/v2/account/activities/:type', (c) =>
    c.req.param('type').toUpperCase() === 'FILL' ? fills(c, core) : c.json([]),
  );
  app.get('/v2/account/activities', (c) => {
    const types = c.req.query('activity_types');
    const wantsFills = !types || types.split(',').some((t) => t.trim().toUpperCase() === 'FILL');
    return wantsFills ? fills(c, core) : c.json([]);
  });
}
