/**
 * The simulated exchange in a CHILD process of the test (`node --import tsx tests/support/sim-child.ts`,
 * forked by sim-child-process.ts with an IPC channel), so it outlives a Keel that is killed with
 * SIGKILL: orders Keel sent before dying are still there, and can fill while Keel is down.
 * Prices move only when the test sets them (the walk's step is longer than any test).
 * IPC, parent → child: { id, op, ...args } answered by { id, ok, value | error }; child → parent,
 * unprompted: { event: 'exit-held', clientOrderId } when a held exit POST was processed.
 * Exits when the IPC channel closes (the test process gone) or on SIGTERM.
 */
import { filter, firstValueFrom } from 'rxjs';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import { createSimServer } from '../../src/adapters/sim/server/sim-server.js';
import { systemClock } from '../../src/clock/system.clock.js';

export interface SimChildReady { tradingUrl: string; dataUrl: string; dataStreamUrl: string }
export type SimChildRequest =
  | { op: 'setPrice'; symbol: string; price: number }
  | { op: 'price'; symbol: string }
  /** after the next order POST is answered (the entry), the one after (the exit) is processed but neither filled nor answered */
  | { op: 'holdNextExit' }
  /** fills resume; resolves once the sell with this client order id has filled */
  | { op: 'releaseFills'; clientOrderId: string }
  /** the held sell with this client order id is canceled (it never fills) and fills resume; resolves with its final status */
  | { op: 'cancelHeld'; clientOrderId: string }
  /** a market sell that is not Keel's (as from the broker's app); resolves once it has filled */
  | { op: 'sellOutside'; symbol: string; qty: string; clientOrderId: string }
  /** the broker's position quantity, null when flat */
  | { op: 'position'; symbol: string }
  /** every sell order of the symbol, oldest first, as [client order id, qty, status] */
  | { op: 'sells'; symbol: string }
  /** one order by client order id: { id, type, status, qty, stopPrice, filledQty, filledAvgPrice } (null when unknown) */
  | { op: 'order'; clientOrderId: string }
  /** after the next order POST is answered (the entry), every order POST is answered 503 and NOT
   *  processed (no order reaches the exchange) until 'acceptOrders' */
  | { op: 'refuseExits' }
  /** order POSTs are processed again (the scripted 503s are forgotten) */
  | { op: 'acceptOrders' }
  /** the status of every POST /v2/orders the exchange saw, in order (null: not answered) */
  | { op: 'orderPosts' }
  /** orders are accepted but not filled while on; off fills what waits at once */
  | { op: 'holdFills'; on: boolean };

const SYNC_EVERY_MS = 100;
const NO_WALK_MS = 1e12;

async function main(): Promise<void> {
  if (!process.send) throw new Error('sim-child needs an IPC channel (fork it)');
  const symbols = JSON.parse(process.argv[2] ?? '{}') as Record<string, number>;
  /** the data stream's symbol limit (Alpaca's free IEX feed: 30, the sim's default) */
  const { symbolLimit } = JSON.parse(process.argv[3] ?? '{}') as { symbolLimit?: number };
  const core = createSimExchange({ clock: systemClock, seed: 7, pinnedOpen: true, symbols, priceStepMs: NO_WALK_MS });
  let holdStage: 'off' | 'entry' | 'exit' = 'off';
  let refuseStage: 'off' | 'entry' | 'on' = 'off';
  /** kept here, not read from the transport's log, which 'acceptOrders' clears with the scripts */
  const orderPosts: Array<number | null> = [];
  const sim = await createSimServer({
    core, clock: systemClock, onError: (e) => console.error('[sim-child]', e), symbolLimit,
    // the exit's head, before the engine sees its body: it must not fill while Keel is still up
    onRequest: (req) => { if (holdStage === 'exit' && req.method === 'POST' && req.url === '/v2/orders') core.faults.holdFills(true); },
  });
  const timer = setInterval(() => {
    try { core.sync(); } catch (e) { console.error('[sim-child sync]', e); }
  }, SYNC_EVERY_MS);
  const send = (m: unknown) => { if (process.connected) process.send!(m); };

  sim.faults.requests$.subscribe((r) => {
    if (r.method !== 'POST' || r.path !== '/v2/orders') return;
    orderPosts.push(r.status);
    if (refuseStage === 'entry' && r.status !== null && r.status < 300) {
      sim.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'status', status: 503 }, Number.MAX_SAFE_INTEGER);
      refuseStage = 'on';
    }
    if (holdStage === 'entry' && r.status !== null && r.status < 300) {
      // what follows the entry is the exit
      sim.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'timeout' });
      holdStage = 'exit';
    } else if (holdStage === 'exit' && r.fault === 'timeout') {
      holdStage = 'off';
      const sells = core.listOrders({ status: 'open', side: 'sell' });
      const held = sells.ok ? sells.value : [];
      send({ event: 'exit-held', clientOrderId: held[held.length - 1]?.clientOrderId ?? null });
    }
  });

  const handle = async (m: SimChildRequest): Promise<unknown> => {
    switch (m.op) {
      case 'setPrice': core.market.setPrice(m.symbol, m.price); return null;
      case 'price': return core.market.price(m.symbol);
      case 'holdNextExit': holdStage = 'entry'; return null;
      case 'releaseFills': {
        const filled = firstValueFrom(core.tradeUpdates$.pipe(filter((u) => u.event === 'fill' && u.order.clientOrderId === m.clientOrderId)));
        core.faults.holdFills(false);
        core.sync();
        const update = await filled;
        return { orderId: update.order.id, price: update.order.filledAvgPrice?.toFixed() ?? null };
      }
      case 'cancelHeld': {
        const order = core.getOrderByClientOrderId(m.clientOrderId);
        if (!order.ok) throw new Error(`no order ${m.clientOrderId}`);
        const canceled = core.cancelOrder(order.value.id);
        if (!canceled.ok) throw new Error(`cancel ${m.clientOrderId}: ${JSON.stringify(canceled.body)}`);
        core.faults.holdFills(false);
        const after = core.getOrderByClientOrderId(m.clientOrderId);
        return after.ok ? after.value.status : null;
      }
      case 'sellOutside': {
        const filled = firstValueFrom(core.tradeUpdates$.pipe(filter((u) => u.event === 'fill' && u.order.clientOrderId === m.clientOrderId)));
        const sold = core.submitOrder({ symbol: m.symbol, side: 'sell', type: 'market', time_in_force: 'day', qty: m.qty, client_order_id: m.clientOrderId });
        if (!sold.ok) throw new Error(`sell ${m.qty} ${m.symbol}: ${JSON.stringify(sold.body)}`);
        core.sync();
        const update = await filled;
        return { orderId: update.order.id, qty: update.order.filledQty.toFixed() };
      }
      case 'position': {
        const p = core.position(m.symbol);
        return p.ok ? p.value.qty.toFixed() : null;
      }
      case 'sells': {
        const sells = core.listOrders({ status: 'all', side: 'sell', symbols: m.symbol, direction: 'asc' });
        if (!sells.ok) throw new Error(JSON.stringify(sells.body));
        return sells.value.map((o) => [o.clientOrderId, o.qty?.toFixed() ?? null, o.status]);
      }
      case 'order': {
        const o = core.getOrderByClientOrderId(m.clientOrderId);
        if (!o.ok) return null;
        const v = o.value;
        return { id: v.id, type: v.type, status: v.status, qty: v.qty?.toFixed() ?? null, stopPrice: v.stopPrice?.toFixed() ?? null, filledQty: v.filledQty.toFixed(), filledAvgPrice: v.filledAvgPrice?.toFixed() ?? null };
      }
      case 'refuseExits': refuseStage = 'entry'; return null;
      case 'acceptOrders': refuseStage = 'off'; sim.faults.clearTransport(); return null;
      case 'orderPosts': return orderPosts;
      case 'holdFills': core.faults.holdFills(m.on); if (!m.on) core.sync(); return null;
    }
  };
  process.on('message', (raw) => {
    const m = raw as SimChildRequest & { id: number };
    handle(m).then((value) => send({ id: m.id, ok: true, value }), (e: unknown) => send({ id: m.id, ok: false, error: String(e) }));
  });

  const stop = () => {
    clearInterval(timer);
    setTimeout(() => process.exit(0), 2_000).unref();
    void sim.close().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  const ready: SimChildReady = { tradingUrl: sim.tradingUrl, dataUrl: sim.dataUrl, dataStreamUrl: sim.dataStreamUrl('iex') };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((e: unknown) => {
  console.error('[sim-child]', e);
  process.exit(1);
});
