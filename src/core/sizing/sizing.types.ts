/** CONTRACT: sizing is a pure function → a notional (capped by maxPerTradeUsd) or a denial. */
import type { BotSettings } from '../../domain/bot-config.js';
import type { Denial } from '../../domain/denial.js';
import type { Decimal } from '../../domain/money.js';
import type { SignalInput, SizeDecision } from '../../domain/signal.js';

export interface SizingInput {
  settings: BotSettings;
  signal: SignalInput;
  stars: number;
  /** account equity (pct_portfolio, risk_based); null = unknown */
  equity: Decimal | null;
  /** entry price estimate (risk_based); null = unknown */
  price: number | null;
}

export type SizingResult = { ok: true; size: SizeDecision } | { ok: false; denial: Denial };
