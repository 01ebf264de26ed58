/**
 * The HOT PATH: every open position of ONE symbol, evaluated on each of its price ticks with plain
 * loops over a struct of arrays (docs/benchmarks.md §3: per-position subscriptions or actors cost
 * 10–380× more). Position actors receive only the decisions this produces. The decisions it
 * produces are book-exit.ts.
 * Invariants:
 * - a position exits once: a decided position is removed before onTick returns;
 * - the peak only rises, and rises before the rules run (trailing follows the peak);
 * - a tick that decides nothing allocates nothing (the shared EMPTY array is returned);
 * - the book fires exactly when evaluateExits would (same thresholds.ts formulas and the same
 *   precedence), and its decision equals evaluateExits' — the one-line `detail` is produced lazily
 *   by evaluateExits itself on first read (formatting numbers costs more than the rest of an exit);
 * - ticks with a non-positive or non-finite price are ignored (bad data must not fire a stop);
 * - the clock exits (max hold, session close) need no tick: onClock(now) fires every position whose
 *   deadline passed, and nextClockAt() tells the caller when to call it (a quiet symbol can go
 *   minutes without a print).
 */
import type { EpochMs } from '../../domain/time.js';
import type { ExitReason } from '../../domain/trade.js';
import type { ExitDecision, ExitSettings, PositionView } from './exit.types.js';
import { BookExit, mergeSettings } from './book-exit.js';
import { armedTargetOf, holdDeadline, stopLevelOf, trailFactor } from './thresholds.js';

export interface PeakChange {
  tradeId: string;
  peakPrice: number;
}

const EMPTY: readonly ExitDecision[] = Object.freeze([]);

export class SymbolBook {
  private n = 0;
  private ids: string[] = [];
  private entryPrice = new Float64Array(8);
  private entryAt = new Float64Array(8);
  private peak = new Float64Array(8);
  private stop = new Float64Array(8);
  private target = new Float64Array(8);
  private trail = new Float64Array(8);
  /** min(forced close, hold deadline): one compare covers both clock exits */
  private timeAt = new Float64Array(8);
  private peakDirty = new Uint8Array(8);
  /** per-position settings (the book's own, or merged with the overrides given to add) */
  private settingsOf: ExitSettings[] = [];
  private overridesOf: Array<Partial<ExitSettings> | undefined> = [];
  private readonly index = new Map<string, number>();
  private last = Number.NaN;
  private lastAt = Number.NaN;

  constructor(readonly symbol: string, private settings: ExitSettings) {}

  get size(): number {
    return this.n;
  }

  /** last accepted tick price (NaN before the first) — lets a timer re-run the clock exits */
  get lastPrice(): number {
    return this.last;
  }

  /** when the last accepted tick was evaluated (NaN before the first) */
  get lastPriceAt(): EpochMs {
    return this.lastAt;
  }

  /** the settings a held position is armed with now (its thresholds follow from them); null when not held */
  settingsFor(tradeId: string): ExitSettings | null {
    const i = this.index.get(tradeId);
    return i === undefined ? null : this.settingsOf[i]!;
  }

  has(tradeId: string): boolean {
    return this.index.has(tradeId);
  }

  /** Adds (or replaces) a position; its peak starts at least at entry, and a replaced position keeps
   *  the higher of its peaks (the peak only rises). `overrides` give one position its own rule settings (benchmarks, per-trade stops). */
  add(view: PositionView, overrides?: Partial<ExitSettings>): void {
    if (view.symbol !== this.symbol) throw new Error(`symbol book ${this.symbol} cannot hold ${view.symbol}`);
    const prior = this.peakOf(view.tradeId) ?? 0;
    this.remove(view.tradeId);
    if (this.n === this.entryPrice.length) this.grow();
    const i = this.n++;
    this.index.set(view.tradeId, i);
    this.ids[i] = view.tradeId;
    this.entryPrice[i] = view.entryPrice;
    this.entryAt[i] = view.entryAt;
    this.peak[i] = Math.max(view.peakPrice, view.entryPrice, prior);
    this.peakDirty[i] = prior > view.peakPrice ? 1 : 0;
    this.overridesOf[i] = overrides;
    this.arm(i);
  }

  remove(tradeId: string): boolean {
    const i = this.index.get(tradeId);
    if (i === undefined) return false;
    this.removeAt(i);
    return true;
  }

  /** new settings for every position (e.g. today's forceCloseAt, or a PATCHed stop) */
  setSettings(settings: ExitSettings): void {
    this.settings = settings;
    for (let i = 0; i < this.n; i++) this.arm(i);
  }

  view(tradeId: string): PositionView | null {
    const i = this.index.get(tradeId);
    return i === undefined ? null : this.viewAt(i);
  }

  /** Evaluates every position on one tick; decided positions are removed and returned. */
  onTick(price: number, now: EpochMs): readonly ExitDecision[] {
    if (!(price > 0) || price === Infinity) return EMPTY;
    this.last = price;
    this.lastAt = now;
    let out: ExitDecision[] | null = null;
    const { peak, peakDirty, stop, trail, target, timeAt } = this;
    // backwards: removeAt swaps the last slot into i, and that slot was already evaluated
    for (let i = this.n - 1; i >= 0; i--) {
      let pk = peak[i]!;
      if (price > pk) {
        peak[i] = pk = price;
        peakDirty[i] = 1;
      }
      if (price <= stop[i]! || price <= pk * trail[i]! || price >= target[i]! || now >= timeAt[i]!) {
        (out ??= []).push(this.decide(i, price, now));
        this.removeAt(i);
      }
    }
    return out ?? EMPTY;
  }

  /**
   * Evaluates every position again at the last tick's price (new settings, a raised peak): the same
   * as that tick arriving now, except that it is no new price, so lastPriceAt stays the tick's.
   * Nothing happens before the first tick.
   */
  recheck(now: EpochMs): readonly ExitDecision[] {
    if (Number.isNaN(this.last)) return EMPTY;
    const at = this.lastAt;
    const decisions = this.onTick(this.last, now);
    this.lastAt = at;
    return decisions;
  }

  /** the earliest clock deadline (max hold or session close) of any position; Infinity when none */
  nextClockAt(): EpochMs {
    let at = Infinity;
    for (let i = 0; i < this.n; i++) if (this.timeAt[i]! < at) at = this.timeAt[i]!;
    return at;
  }

  /**
   * The clock exits due by `now`, with no tick: decided positions are removed and returned. Only
   * time rules fire here (the last price already went through the price rules on its own tick).
   * A time exit is a market sell, so its price only names it in the journal: the last tick's, or
   * before any tick the position's entry price.
   */
  onClock(now: EpochMs): readonly ExitDecision[] {
    let out: ExitDecision[] | null = null;
    for (let i = this.n - 1; i >= 0; i--) {
      if (!(now >= this.timeAt[i]!)) continue;
      const settings = this.settingsOf[i]!;
      const force = settings.forceCloseAt;
      const reason: ExitReason = force !== null && now >= force ? 'force_close_eod' : 'time_exit';
      const price = Number.isNaN(this.last) ? this.entryPrice[i]! : this.last;
      (out ??= []).push(new BookExit(this.viewAt(i), reason, price, now, settings, true));
      this.removeAt(i);
    }
    return out ?? EMPTY;
  }

  /** the position's peak as the book holds it (it rises on every tick); null when not held */
  peakOf(tradeId: string): number | null {
    const i = this.index.get(tradeId);
    return i === undefined ? null : this.peak[i]!;
  }

  /** raises a held position's peak (a peak rebuilt from the market's record); false when not raised */
  raisePeak(tradeId: string, peak: number): boolean {
    const i = this.index.get(tradeId);
    if (i === undefined || !(peak > this.peak[i]!) || peak === Infinity) return false;
    this.peak[i] = peak;
    this.peakDirty[i] = 1;
    return true;
  }

  /** peaks that rose since the last call (for throttled persistence); clears the marks */
  peakChanges(): PeakChange[] {
    const changes: PeakChange[] = [];
    for (let i = 0; i < this.n; i++) {
      if (this.peakDirty[i] === 1) {
        this.peakDirty[i] = 0;
        changes.push({ tradeId: this.ids[i]!, peakPrice: this.peak[i]! });
      }
    }
    return changes;
  }

  /** the reason in evaluateExits' precedence, from the precomputed thresholds of slot i */
  private decide(i: number, price: number, now: EpochMs): ExitDecision {
    const settings = this.settingsOf[i]!;
    const force = settings.forceCloseAt;
    const reason: ExitReason =
      price <= this.stop[i]! ? 'hard_stop'
      : price <= this.peak[i]! * this.trail[i]! ? 'trailing_stop'
      : price >= this.target[i]! ? 'profit_target'
      : force !== null && now >= force ? 'force_close_eod'
      : 'time_exit';
    return new BookExit(this.viewAt(i), reason, price, now, settings);
  }

  private viewAt(i: number): PositionView {
    return { tradeId: this.ids[i]!, symbol: this.symbol, entryPrice: this.entryPrice[i]!, entryAt: this.entryAt[i]!, peakPrice: this.peak[i]! };
  }

  /** precomputes slot i's thresholds from its settings (allocation happens here, never per tick) */
  private arm(i: number): void {
    const o = this.overridesOf[i];
    const s = o === undefined ? this.settings : mergeSettings(this.settings, o);
    this.settingsOf[i] = s;
    const entry = this.entryPrice[i]!;
    this.stop[i] = stopLevelOf(entry, s);
    this.target[i] = armedTargetOf(entry, s);
    this.trail[i] = trailFactor(s.trailingStopPct);
    const deadline = holdDeadline(this.entryAt[i]!, s.maxHoldDurationSec);
    this.timeAt[i] = s.forceCloseAt === null ? deadline : Math.min(deadline, s.forceCloseAt);
  }

  private removeAt(i: number): void {
    const lastSlot = --this.n;
    this.index.delete(this.ids[i]!);
    if (i !== lastSlot) {
      const id = this.ids[lastSlot]!;
      this.ids[i] = id;
      this.index.set(id, i);
      this.entryPrice[i] = this.entryPrice[lastSlot]!;
      this.entryAt[i] = this.entryAt[lastSlot]!;
      this.peak[i] = this.peak[lastSlot]!;
      this.stop[i] = this.stop[lastSlot]!;
      this.target[i] = this.target[lastSlot]!;
      this.trail[i] = this.trail[lastSlot]!;
      this.timeAt[i] = this.timeAt[lastSlot]!;
      this.peakDirty[i] = this.peakDirty[lastSlot]!;
      this.settingsOf[i] = this.settingsOf[lastSlot]!;
      this.overridesOf[i] = this.overridesOf[lastSlot];
    }
    this.ids.pop();
    this.settingsOf.pop();
    this.overridesOf.pop();
  }

  private grow(): void {
    const cap = this.entryPrice.length * 2;
    const f = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.entryPrice = f(this.entryPrice);
    this.entryAt = f(this.entryAt);
    this.peak = f(this.peak);
    this.stop = f(this.stop);
    this.target = f(this.target);
    this.trail = f(this.trail);
    this.timeAt = f(this.timeAt);
    const d = new Uint8Array(cap);
    d.set(this.peakDirty);
    this.peakDirty = d;
  }
}
