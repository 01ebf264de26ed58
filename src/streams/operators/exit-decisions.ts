/**
 * Ticks of ONE symbol → exit decisions, through that symbol's SymbolBook: one subscription per
 * symbol, the positions are evaluated in the book's plain loop (docs/benchmarks.md §3), and each
 * position's decision is emitted once (the book removes it).
 * `now` is the scheduler's time when one is given (the injected clock in production, virtual time
 * in marble tests), else the tick's own timestamp (replays).
 */
import { Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { ExitDecision } from '../../core/exits/exit.types.js';
import type { SymbolBook } from '../../core/exits/symbol-book.js';
import type { PriceTick } from '../../domain/market-data.js';

export function exitDecisions(book: SymbolBook, scheduler?: SchedulerLike): OperatorFunction<PriceTick, ExitDecision> {
  return (source) =>
    new Observable<ExitDecision>((subscriber) =>
      source.subscribe({
        next(tick) {
          const decisions = book.onTick(tick.price, scheduler ? scheduler.now() : tick.at);
          for (let i = 0; i < decisions.length; i++) subscriber.next(decisions[i]!);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
