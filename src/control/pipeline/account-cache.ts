/**
 * The account snapshot (equity, buying power) that intake reads without waiting on the broker
 * ("execution never blocks ingestion"; docs/benchmarks.md, B6b: a GET /v2/account costs ≈20 ms against
 * Alpaca, four times the whole signal → order budget). The broker stays the final check: a 403 on
 * the POST still cancels the trade with Alpaca's message.
 * Invariants:
 *  - a snapshot belongs to the broker adapter it was read from: after a mode switch there is none;
 *  - available buying power = snapshot − the notional of every entry reserved since, until a read
 *    that STARTED after that entry's POST settled (an earlier read may predate the broker's own
 *    reservation), so two quick signals cannot both spend the same dollars;
 *  - older than maxAgeMs → unknown (BUYING_POWER_UNKNOWN downstream), never a guess; asking for a
 *    stale snapshot starts a refresh in the background;
 *  - reads never overlap; one asked for while one runs runs once more afterwards (the fill that
 *    asked may postdate the running read); a failed read keeps the old snapshot, which ages out;
 *  - the re-reads that events ask for (a settled entry POST, a close, a cancelled entry) are
 *    throttled: the first after a quiet spell reads at once, the rest of a burst share ONE read at
 *    the end of the window (minRereadMs). A burst of exits (the 15:45 force-close, a kill switch)
 *    would otherwise spend one of Alpaca's 200 requests a minute per fill, and every read competes
 *    with the next order for the broker (docs/benchmarks.md, B6). Waiting is safe: until a read that started after an
 *    entry settled, its notional stays reserved, and a close only frees buying power (a late read
 *    under-states it, never over-states it).
 */
import { ZERO, type Decimal } from '../../domain/money.js';
import type { Account } from '../../domain/account.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';

export interface AccountView {
  buyingPower: Decimal;
  equity: Decimal;
  cash: Decimal;
  /** the broker's equity at the previous close (the session anchor); null = not reported */
  lastEquity: Decimal | null;
  longMarketValue: Decimal | null;
  multiplier: Decimal | null;
  /** trading_blocked / account_blocked / trade_suspended_by_user */
  blocked: boolean;
  /** notional of entries decided but not yet reflected by a read (already subtracted from buyingPower) */
  reserved: Decimal;
  /** when the snapshot was read (clock ms, at the start of the read) */
  at: number;
}

/** a read as the broker answered it (nothing reserved subtracted); `at` = when the read started */
export type AccountReading = Omit<AccountView, 'reserved'>;

export type AccountLookup = { kind: 'none' } | { kind: 'stale'; at: number } | ({ kind: 'fresh' } & AccountView);

interface Snapshot extends AccountReading { broker: BrokerPort; read: number }
/** settledAfter: the read count when the POST settled; null while it is in flight */
interface Reservation { notional: Decimal; settledAfter: number | null }

export interface AccountCacheDeps {
  clock: Clock;
  broker: () => BrokerPort | null;
  /** default 60 s */
  maxAgeMs?: number;
  /** the throttle window of event-triggered re-reads (refreshSoon), default 500 ms */
  minRereadMs?: number;
  warn?: (message: string, error?: unknown) => void;
  /** every successful read (the circuit breakers observe equity here) */
  onSnapshot?: (account: Account, at: number) => void;
}

export class AccountCache {
  private snapshot: Snapshot | null = null;
  private readonly reservations = new Map<string, Reservation>();
  private reads = 0;
  private running: Promise<void> | null = null;
  private again = false;
  /** clock ms when the last event-triggered read was let through */
  private lastSoon = -Infinity;
  private trailing = false;
  private pending = new AbortController();

  constructor(private readonly deps: AccountCacheDeps) {}

  /** synchronous: what intake may use now, with the reserved notional already subtracted */
  lookup(): AccountLookup {
    const snap = this.snapshot;
    if (!snap || snap.broker !== this.deps.broker()) return { kind: 'none' };
    if (this.deps.clock.now() - snap.at > (this.deps.maxAgeMs ?? 60_000)) {
      void this.refresh();
      return { kind: 'stale', at: snap.at };
    }
    let reserved = ZERO;
    for (const r of this.reservations.values()) reserved = reserved.plus(r.notional);
    return { ...snap, kind: 'fresh', buyingPower: snap.buyingPower.minus(reserved), reserved };
  }

  /** the current broker's last read whatever its age, as read; never starts a read (status display) */
  peek(): AccountReading | null {
    const snap = this.snapshot;
    if (!snap || snap.broker !== this.deps.broker()) return null;
    return readingOf(snap);
  }

  /**
   * a read that STARTED after this call (one already running may predate what the caller wants to
   * record: it runs once more); null when that read failed (warned by the cache) or there is no
   * broker: the caller must not fall back to an older snapshot. Never throws.
   */
  async readFresh(): Promise<AccountReading | null> {
    const before = this.reads;
    await this.refresh();
    const snap = this.snapshot;
    if (!snap || snap.read <= before || snap.broker !== this.deps.broker()) return null;
    return readingOf(snap);
  }

  /** the fresh snapshot (≤ maxAgeMs old) of the current broker, or null; unlike lookup() it never starts a read */
  peekFresh(): AccountView | null {
    const snap = this.snapshot;
    if (!snap || snap.broker !== this.deps.broker()) return null;
    if (this.deps.clock.now() - snap.at > (this.deps.maxAgeMs ?? 60_000)) return null;
    const found = this.lookup();
    return found.kind === 'fresh' ? found : null;
  }

  /** cold start only: awaits one read when there is no snapshot for the current broker */
  async lookupOrRead(): Promise<AccountLookup> {
    const first = this.lookup();
    if (first.kind !== 'none') return first;
    await this.refresh();
    return this.lookup();
  }

  /** an entry was decided (its trade row committed): its notional is spoken for */
  reserve(tradeId: string, notional: Decimal): void {
    this.reservations.set(tradeId, { notional, settledAfter: null });
  }

  /** the entry's POST settled: a rejected order spends nothing; otherwise re-read the account */
  settled(tradeId: string, outcome: 'accepted' | 'rejected' | 'unknown'): void {
    const r = this.reservations.get(tradeId);
    if (outcome === 'rejected') this.reservations.delete(tradeId);
    else if (r) r.settledAfter = this.reads;
    this.refreshSoon();
  }

  /** an event asks for a re-read: at once after a quiet spell, else one shared read at the window's end */
  refreshSoon(): void {
    const window = this.deps.minRereadMs ?? 500;
    const now = this.deps.clock.now();
    if (now - this.lastSoon >= window) {
      this.lastSoon = now;
      void this.refresh();
      return;
    }
    if (this.trailing) return;
    this.trailing = true;
    this.deps.clock.sleep(this.lastSoon + window - now, this.pending.signal).then(() => {
      this.trailing = false;
      this.lastSoon = this.deps.clock.now();
      return this.refresh();
    }, () => { this.trailing = false; }); // dropped by dispose()
  }

  /** drops a pending throttled read (shutdown); later events are throttled afresh */
  dispose(): void {
    this.pending.abort();
    this.pending = new AbortController();
  }

  /** a snapshot is wanted and there is none: the read already running serves, else one now; never throws */
  ready(): Promise<void> {
    return this.running ?? this.refresh();
  }

  /** one read now (or once more after the running one); never throws */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.readLoop().finally(() => { this.running = null; });
    return this.running;
  }

  /** refreshes every `everyMs` of the injected clock while `active()`, until `signal` aborts */
  async runPeriodic(everyMs: number, active: () => boolean, signal: AbortSignal): Promise<void> {
    let wake = this.deps.clock.sleep(everyMs, signal);
    while (!signal.aborted) {
      try {
        await wake;
      } catch {
        return; // aborted
      }
      // registered before the read, so time advanced while it runs still wakes the next one
      wake = this.deps.clock.sleep(everyMs, signal);
      wake.catch(() => undefined);
      if (active()) void this.refresh();
    }
  }

  private async readLoop(): Promise<void> {
    do {
      this.again = false;
      await this.readOnce();
    } while (this.again);
  }

  private async readOnce(): Promise<void> {
    const broker = this.deps.broker();
    if (!broker) return;
    const read = ++this.reads;
    const at = this.deps.clock.now();
    try {
      const account = await broker.getAccount();
      this.snapshot = {
        broker, read, at, buyingPower: account.buyingPower, equity: account.equity, cash: account.cash, lastEquity: account.lastEquity,
        longMarketValue: account.longMarketValue, multiplier: account.multiplier,
        blocked: account.tradingBlocked || account.accountBlocked || account.tradeSuspendedByUser,
      };
      this.deps.onSnapshot?.(account, at);
      for (const [id, r] of this.reservations) if (r.settledAfter !== null && read > r.settledAfter) this.reservations.delete(id);
    } catch (error) {
      this.deps.warn?.('account snapshot refresh failed; the previous snapshot ages out', error);
    }
  }
}

function readingOf(snap: Snapshot): AccountReading {
  const { broker: _broker, read: _read, ...reading } = snap;
  return reading;
}
