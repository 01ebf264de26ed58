/**
 * The decision a symbol book produces (symbol-book.ts), and the per-position settings it merges.
 */
import type { EpochMs } from '../../domain/time.js';
import type { ExitReason } from '../../domain/trade.js';
import type { ExitDecision, ExitSettings, PositionView } from './exit.types.js';
import { evaluateExits } from './exit-rules.js';
import { maxHoldRule } from './max-hold.rule.js';
import { sessionCloseRule } from './session-close.rule.js';

/**
 * An ExitDecision whose `detail` is formatted on first read, by evaluateExits itself: formatting
 * costs more than the rest of an exit and the hot path rarely needs it. A class with #private state
 * (a literal with a getter is slow to build in V8). `detail` lives on the prototype, so a spread or
 * toEqual does not see it: use toJSON() / plainDecision() to get a plain object.
 */
export class BookExit implements ExitDecision {
  readonly tradeId: string;
  readonly symbol: string;
  #view: PositionView;
  #settings: ExitSettings;
  #text: string | null = null;
  /** fired by the clock: explained by the clock rules alone (the price is only the last known one) */
  #clock: boolean;

  constructor(view: PositionView, readonly reason: ExitReason, readonly price: number, readonly at: EpochMs, settings: ExitSettings, clock = false) {
    this.tradeId = view.tradeId;
    this.symbol = view.symbol;
    this.#view = view;
    this.#settings = settings;
    this.#clock = clock;
  }

  get detail(): string {
    if (this.#text === null) {
      const view = this.#view, settings = this.#settings;
      const decision = this.#clock
        ? (sessionCloseRule(view, this.price, this.at, settings) ?? maxHoldRule(view, this.price, this.at, settings))
        : evaluateExits(view, this.price, this.at, settings);
      this.#text = decision?.detail ?? this.reason;
    }
    return this.#text;
  }

  toJSON(): ExitDecision {
    return plainDecision(this);
  }
}

/** a plain-object copy of a decision (detail included), for journals, events and test equality */
export function plainDecision(d: ExitDecision): ExitDecision {
  return { tradeId: d.tradeId, symbol: d.symbol, reason: d.reason, price: d.price, at: d.at, detail: d.detail };
}

/** an explicit literal, not a spread: spreads cost ~1 µs (docs/benchmarks.md §3) and this runs per add */
export function mergeSettings(s: ExitSettings, o: Partial<ExitSettings>): ExitSettings {
  return {
    hardStopLossPct: o.hardStopLossPct ?? s.hardStopLossPct,
    profitTargetPct: o.profitTargetPct ?? s.profitTargetPct,
    trailingStopPct: o.trailingStopPct !== undefined ? o.trailingStopPct : s.trailingStopPct,
    maxHoldDurationSec: o.maxHoldDurationSec ?? s.maxHoldDurationSec,
    forceCloseAt: o.forceCloseAt !== undefined ? o.forceCloseAt : s.forceCloseAt,
    stopPrice: o.stopPrice !== undefined ? o.stopPrice : s.stopPrice ?? null,
    targetPrice: o.targetPrice !== undefined ? o.targetPrice : s.targetPrice ?? null,
    ...(o.targetAtBroker === true ? { targetAtBroker: true } : {}),
  };
}
