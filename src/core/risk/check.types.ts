/**
 * CONTRACT: an entry check is a small pure function of the entry context → Denial | null.
 * The gateway runs them in a fixed order and keeps every verdict (the what-if view).
 */
import type { BotSettings, BotState, BreakerLevel } from '../../domain/bot-config.js';
import type { Denial } from '../../domain/denial.js';
import type { Decimal } from '../../domain/money.js';
import type { SignalInput } from '../../domain/signal.js';
import type { EpochMs } from '../../domain/time.js';
import type { WinRateVerdict } from '../safety/win-rate.js';

export interface EntryContext {
  signal: SignalInput;
  settings: BotSettings;
  botState: BotState;
  reconciled: boolean;
  /** broker clock; null = unknown (the broker could not be asked) */
  marketOpen: boolean | null;
  /** the decision's time (Keel's clock) */
  now: EpochMs;
  /** today's forced close of every open position while the market is open; null = closed or unknown */
  forceCloseAt: EpochMs | null;
  /** symbols with a pending_entry, open or exiting trade */
  liveSymbols: ReadonlySet<string>;
  /** pending_entry + open + exiting trades */
  liveTradeCount: number;
  /** null = unknown */
  buyingPower: Decimal | null;
  /** the notional this entry would send */
  notional: Decimal;
  /** freshest known price (the price feed's last tick, else priceAtSignal; one latest-trade read only when risk_based sizing needs it); null = none */
  price: number | null;
  /** the safety layer's facts */
  safety: SafetyFacts;
}

/** Today's counters (bot_daily_stats of the America/New_York trading date; zeros when no row yet). */
export interface TodayFacts {
  /** YYYY-MM-DD America/New_York */
  date: string;
  realizedPnl: Decimal;
  /** entries fired today (trades created today, whatever became of them) */
  tradeCount: number;
  roundTripCount: number;
  breakerLevel: BreakerLevel;
}

export interface SafetyFacts {
  today: TodayFacts;
  /** account equity from a fresh snapshot; null = unknown */
  equity: Decimal | null;
  /** unrealized P&L of Keel's open positions now (negative = loss); null = unknown */
  unrealizedPnl: Decimal | null;
  /** what is invested now: the broker's long market value plus Keel's entries in flight; null = unknown */
  investedValue: Decimal | null;
  /** the account's margin multiplier (1 = cash account); null = unknown (treated as 1) */
  marginMultiplier: Decimal | null;
  /** the broker flags trading_blocked / account_blocked / trade_suspended_by_user; null = unknown */
  accountBlocked: boolean | null;
  /** false while the trade_updates stream is down, stale or catching up after a reconnect */
  tradeStreamLive: boolean;
  /** symbols with an open SELL order at the broker (any owner): a buy would be refused as a wash trade */
  openSellSymbols: ReadonlySet<string>;
  /** the win-rate guard's verdict on the current mode's latest closed trades */
  winRate: WinRateVerdict;
}

export interface EntryCheck {
  /** stable name shown in verdicts, e.g. 'max-concurrent-positions' */
  name: string;
  check(ctx: EntryContext): Denial | null;
}
