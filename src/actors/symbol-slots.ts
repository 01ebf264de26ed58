/**
 * The supervisor's per-symbol exit books: one SymbolBook and ONE price subscription per symbol
 * with a live position (docs/benchmarks.md §3: a subscription per symbol, exits in plain loops).
 * Invariants: a symbol's subscription exists exactly while its book holds a position; a book is
 * released only after the tick in progress has delivered all its decisions.
 */
import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import type { ExitDecision, ExitSettings, PositionView } from '../core/exits/exit.types.js';
import { SymbolBook } from '../core/exits/symbol-book.js';
import type { PriceTick } from '../domain/market-data.js';
import { exitDecisions } from '../streams/operators/exit-decisions.js';

interface Slot {
  book: SymbolBook;
  sub: Subscription;
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
      slot = { book, sub };
      this.slots.set(view.symbol, slot);
    }
    slot.book.add(view);
  }

  disarm(view: PositionView): void {
    const slot = this.slots.get(view.symbol);
    if (!slot) return;
    slot.book.remove(view.tradeId);
    // release later: this may run inside the book's own tick, whose other decisions must still arrive
    queueMicrotask(() => {
      if (slot.book.size > 0 || this.slots.get(view.symbol) !== slot) return;
      this.slots.delete(view.symbol);
      slot.sub.unsubscribe();
    });
  }

  /** the last price the symbol's book saw; null when none */
  lastPrice(symbol: string): number | null {
    const price = this.slots.get(symbol)?.book.lastPrice;
    return price === undefined || Number.isNaN(price) ? null : price;
  }

  books(): SymbolBook[] {
    return [...this.slots.values()].map((slot) => slot.book);
  }

  /** unsubscribes every symbol and forgets every book */
  clear(): void {
    for (const slot of this.slots.values()) slot.sub.unsubscribe();
    this.slots.clear();
  }
}
