/**
 * The supervisor's per-symbol exit books: one SymbolBook and ONE price subscription per symbol
 * with a live position (docs/benchmarks.md §3: a subscription per symbol, exits in plain loops), plus ONE
 * timer per symbol at its book's earliest clock deadline (max hold, session close).
 * Why the timer: prices alone drive the price rules, but a quiet symbol can go minutes without a
 * print (and a snapshot poll passes only a newer trade), so a time exit must fire from the clock,
 * print or no print. The timer is off the tick path: a tick costs what it did.
 * Invariants: a symbol's subscription and timer exist exactly while its book holds a position; a
 * book is released only after the tick in progress has delivered all its decisions; the timer is
 * re-aimed whenever a deadline may have moved earlier (arm, retime after new settings) and after it
 * fired; a timer that fires early (a later deadline, a removed position) only re-aims.
 */
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import type { ExitDecision, ExitSettings, PositionView } from '../core/exits/exit.types.js';
import { SymbolBook } from '../core/exits/symbol-book.js';
import { armedLevels, type ArmedLevels } from '../core/exits/armed-levels.js';
import type { PriceTick } from '../domain/market-data.js';
import { exitDecisions } from '../streams/operators/exit-decisions.js';

/** a far deadline is waited for in steps (setTimeout overflows past ~24.8 days) */
const MAX_TIMER_MS = 3_600_000;

interface Slot {
  book: SymbolBook;
  sub: Subscription;
  timer: Subscription | null;
  /** the deadline the timer is aimed at; Infinity when none */
  timerAt: number;
}

export class SymbolSlots {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onDecision: (decision: ExitDecision) => void,
  ) {}

  /** adds the position to its symbol's book, subscribing the symbol's prices on first use */
  arm(view: PositionView, settings: ExitSettings, prices: (symbol: string) => Observable<PriceTick>): void {
    let slot = this.slots.get(view.symbol);
    if (!slot) {
      const book = new SymbolBook(view.symbol, settings);
      const sub = prices(view.symbol).pipe(exitDecisions(book, this.scheduler)).subscribe((d) => this.onDecision(d));
      slot = { book, sub, timer: null, timerAt: Infinity };
      this.slots.set(view.symbol, slot);
    }
    slot.book.add(view, view.overrides);
    this.aim(slot);
  }

  disarm(view: PositionView): void {
    const slot = this.slots.get(view.symbol);
    if (!slot) return;
    slot.book.remove(view.tradeId);
    // release later: this may run inside the book's own tick, whose other decisions must still arrive
    queueMicrotask(() => {
      if (slot.book.size > 0 || this.slots.get(view.symbol) !== slot) return;
      this.slots.delete(view.symbol);
      this.release(slot);
    });
  }

  /** the books' settings changed (setSettings): aims every symbol's timer at its new deadline */
  retime(): void {
    for (const slot of this.slots.values()) this.aim(slot);
  }

  /**
   * Raises a position's peak (rebuilt from the market's record after a restart) and re-evaluates its
   * book at the last price, as a tick would: a trailing stop already crossed fires now, not on the
   * next print. False when the position is not armed or its peak was already as high.
   */
  raisePeak(view: PositionView, peak: number): boolean {
    const slot = this.slots.get(view.symbol);
    if (!slot?.book.raisePeak(view.tradeId, peak)) return false;
    const decisions = slot.book.recheck(this.scheduler.now());
    for (let i = 0; i < decisions.length; i++) this.onDecision(decisions[i]!);
    return true;
  }

  /** the position's peak in its book (live: it rises with every tick); null when not armed */
  peakOf(view: Pick<PositionView, 'symbol' | 'tradeId'>): number | null {
    return this.slots.get(view.symbol)?.book.peakOf(view.tradeId) ?? null;
  }

  /** the rule settings the position's book holds for it now; null when not armed */
  settingsOf(view: Pick<PositionView, 'symbol' | 'tradeId'>): ExitSettings | null {
    return this.slots.get(view.symbol)?.book.settingsFor(view.tradeId) ?? null;
  }

  /** the levels the position's book holds for it now (its live peak included); null when not armed */
  levelsOf(view: Pick<PositionView, 'symbol' | 'tradeId'>): ArmedLevels | null {
    const book = this.slots.get(view.symbol)?.book;
    const settings = book?.settingsFor(view.tradeId);
    const held = book?.view(view.tradeId);
    return settings && held ? armedLevels(held, settings) : null;
  }

  /** the symbol's last tick its book evaluated; null when none (or the symbol is not watched) */
  lastTick(symbol: string): { price: number; at: number } | null {
    const book = this.slots.get(symbol)?.book;
    return !book || Number.isNaN(book.lastPrice) ? null : { price: book.lastPrice, at: book.lastPriceAt };
  }

  /** the last price the symbol's book saw; null when none */
  lastPrice(symbol: string): number | null {
    const price = this.slots.get(symbol)?.book.lastPrice;
    return price === undefined || Number.isNaN(price) ? null : price;
  }

  books(): SymbolBook[] {
    return [...this.slots.values()].map((slot) => slot.book);
  }

  /** unsubscribes every symbol, cancels every timer and forgets every book */
  clear(): void {
    for (const slot of this.slots.values()) this.release(slot);
    this.slots.clear();
  }

  private release(slot: Slot): void {
    slot.sub.unsubscribe();
    slot.timer?.unsubscribe();
    slot.timer = null;
    slot.timerAt = Infinity;
  }

  /** (re)schedules the slot's timer at its book's earliest clock deadline */
  private aim(slot: Slot): void {
    const at = slot.book.nextClockAt();
    if (at === slot.timerAt && slot.timer !== null) return;
    slot.timer?.unsubscribe();
    slot.timer = null;
    slot.timerAt = Infinity;
    if (at === Infinity) return;
    const delay = Math.min(Math.max(0, at - this.scheduler.now()), MAX_TIMER_MS);
    slot.timerAt = at;
    slot.timer = this.scheduler.schedule(() => this.fire(slot), delay);
  }

  private fire(slot: Slot): void {
    slot.timer = null;
    slot.timerAt = Infinity;
    if (this.slots.get(slot.book.symbol) !== slot) return;
    const decisions = slot.book.onClock(this.scheduler.now());
    for (let i = 0; i < decisions.length; i++) this.onDecision(decisions[i]!);
    if (this.slots.get(slot.book.symbol) === slot) this.aim(slot);
  }
}
