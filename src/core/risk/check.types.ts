/**
 * CONTRACT: an entry check is a small pure function of the entry context → Denial | null.
 * The gateway runs them in a fixed order and keeps every verdict (the what-if view).
 */
import type { BotSettings, BotState } from '../../domain/bot-config.js';
import type { Denial } from '../../domain/denial.js';
import type { Decimal } from '../../domain/money.js';
import type { SignalInput } from '../../domain/signal.js';

export interface EntryContext {
  signal: SignalInput;
  settings: BotSettings;
  botState: BotState;
  reconciled: boolean;
  /** broker clock; null = unknown (the broker could not be asked) */
  marketOpen: boolean | null;
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
}

export interface EntryCheck {
  /** stable name shown in verdicts, e.g. 'max-concurrent-positions' */
  name: string;
  check(ctx: EntryContext): Denial | null;
}
