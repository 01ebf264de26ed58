/**
 * The route TEMPLATE of a broker REST path, for metric labels: `/v2/orders/61e69015-…` becomes
 * `/v2/orders/{id}` and `/v2/positions/AAPL` becomes `/v2/positions/{symbol}`.
 * Invariant: the result is one of a closed set: a path not listed here is labelled 'other', so
 * a new call site can never put an order id or a symbol into a label (unbounded series).
 */
const STATIC = new Set([
  '/v2/account', '/v2/clock', '/v2/calendar', '/v2/positions', '/v2/orders', '/v2/orders:by_client_order_id',
  '/v2/account/activities/FILL', '/v2/stocks/snapshots', '/v2/stocks/trades/latest', '/v2/stocks/bars',
]);

const PATTERNS: Array<[RegExp, string]> = [
  [/^\/v2\/orders\/[^/]+$/, '/v2/orders/{id}'],
  [/^\/v2\/positions\/[^/]+$/, '/v2/positions/{symbol}'],
];

export function routeTemplate(path: string): string {
  if (STATIC.has(path)) return path;
  for (const [pattern, template] of PATTERNS) if (pattern.test(path)) return template;
  return 'other';
}
