/**
 * bot_trade row ↔ Trade. Money, shares and prices: numeric ⇄ exact string ⇄ Decimal (written with
 * toFixed(), so '105.898847512' comes back digit for digit). Times: timestamptz ⇄ epoch ms.
 */
import type { RawBuilder, Selectable } from 'kysely';
import { Decimal } from '../../domain/money.js';
import type { TradingModeName } from '../../domain/bot-config.js';
import type { ExitPlan } from '../../domain/exit-plan.js';
import type { ExitReason, NewTrade, Trade, TradePatch, TradeStatus } from '../../domain/trade.js';
import type { BotTradeTable } from './schema.js';
import { toMs, toMsOrNull, tsOrNull } from './sql-time.js';

type Row = Selectable<BotTradeTable>;
type Kind = 'text' | 'int' | 'decimal' | 'time' | 'json';
type Field = Exclude<keyof Trade, 'id' | 'createdAt' | 'updatedAt'>;

const decOrNull = (v: string | null): Decimal | null => (v === null ? null : new Decimal(v));

export function tradeFromRow(row: Row): Trade {
  return {
    id: row.id,
    symbol: row.symbol,
    side: row.side as Trade['side'],
    status: row.status as TradeStatus,
    entryPrice: decOrNull(row.entry_price),
    exitPrice: decOrNull(row.exit_price),
    shares: decOrNull(row.shares),
    notional: decOrNull(row.notional),
    pnl: decOrNull(row.pnl),
    pnlPct: decOrNull(row.pnl_pct),
    fees: decOrNull(row.fees),
    catalystType: row.catalyst_type,
    catalystTier: row.catalyst_tier,
    stars: row.stars,
    strategy: row.strategy,
    signalId: row.signal_id,
    entryClientOrderId: row.entry_client_order_id,
    entryOrderId: row.entry_order_id,
    exitClientOrderId: row.exit_client_order_id,
    exitOrderId: row.exit_order_id,
    exitReason: row.exit_reason as ExitReason | null,
    peakPrice: decOrNull(row.peak_price),
    notes: row.notes,
    stopClientOrderId: row.stop_client_order_id,
    stopOrderId: row.stop_order_id,
    stopPrice: decOrNull(row.stop_price),
    stopQty: decOrNull(row.stop_qty),
    stopNote: row.stop_note,
    exitPlan: (row.exit_plan ?? null) as ExitPlan | null,
    targetOrderId: row.target_order_id,
    entryAt: toMsOrNull(row.entry_at),
    exitAt: toMsOrNull(row.exit_at),
    mode: row.mode as TradingModeName,
    createdAt: toMs(row.created_at),
    updatedAt: toMs(row.updated_at),
  };
}

const COLUMNS: Record<Field, [keyof BotTradeTable, Kind]> = {
  symbol: ['symbol', 'text'], side: ['side', 'text'], status: ['status', 'text'],
  entryPrice: ['entry_price', 'decimal'], exitPrice: ['exit_price', 'decimal'], shares: ['shares', 'decimal'],
  notional: ['notional', 'decimal'], pnl: ['pnl', 'decimal'], pnlPct: ['pnl_pct', 'decimal'], fees: ['fees', 'decimal'],
  catalystType: ['catalyst_type', 'text'], catalystTier: ['catalyst_tier', 'int'], stars: ['stars', 'int'],
  strategy: ['strategy', 'text'], signalId: ['signal_id', 'text'],
  entryClientOrderId: ['entry_client_order_id', 'text'], entryOrderId: ['entry_order_id', 'text'],
  exitClientOrderId: ['exit_client_order_id', 'text'], exitOrderId: ['exit_order_id', 'text'],
  exitReason: ['exit_reason', 'text'], peakPrice: ['peak_price', 'decimal'], notes: ['notes', 'text'],
  stopClientOrderId: ['stop_client_order_id', 'text'], stopOrderId: ['stop_order_id', 'text'], stopPrice: ['stop_price', 'decimal'],
  stopQty: ['stop_qty', 'decimal'], stopNote: ['stop_note', 'text'], exitPlan: ['exit_plan', 'json'], targetOrderId: ['target_order_id', 'text'],
  entryAt: ['entry_at', 'time'], exitAt: ['exit_at', 'time'], mode: ['mode', 'text'],
};

function write(kind: Kind, value: unknown): string | number | RawBuilder<Date> | null {
  if (value === null) return null;
  switch (kind) {
    case 'decimal': return (value as Decimal).toFixed();
    case 'time': return tsOrNull(value as number);
    case 'json': return JSON.stringify(value);
    default: return value as string | number;
  }
}

/**
 * Column values for the keys present in `trade` (an undefined key is left alone, null clears).
 * Typed loosely: the per-column types are enforced by COLUMNS and the database.
 */
export function tradeToRow(trade: NewTrade | TradePatch): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(trade)) {
    const column = COLUMNS[key as Field] as [string, Kind] | undefined;
    if (column && value !== undefined) row[column[0]] = write(column[1], value);
  }
  return row;
}
