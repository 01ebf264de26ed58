/**
 * signal row ↔ SignalRecord. jsonb columns are written as JSON text built here, so every Decimal
 * is its exact toFixed() string (JSON.stringify would call Decimal#toJSON, which may use exponent
 * notation) and read back into a Decimal; times are timestamptz ⇄ epoch ms.
 * Invariant: fromRow(toRow(r)) deep-equals r for every record the domain can build.
 */
import type { Selectable } from 'kysely';
import type { ExecutionMode } from '../../domain/bot-config.js';
import type { CheckVerdict, Denial } from '../../domain/denial.js';
import { Decimal } from '../../domain/money.js';
import type { SignalInput, SignalRecord, SignalStatus, SizeDecision } from '../../domain/signal.js';
import type { SignalTable } from './schema.js';
import { toMs, toMsOrNull } from './sql-time.js';
import { storableJson } from './storable-text.js';

type Row = Selectable<SignalTable>;

const PRICE_FIELDS = ['priceAtSignal', 'stopLossPrice', 'takeProfitPrice'] as const;

/** JSON text with Decimals as exact strings; undefined members dropped as JSON.stringify does; storable in jsonb */
export function jsonText(value: unknown): string {
  return storableJson(JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
    // the replacer sees v after toJSON; look at the holder's raw member to catch a Decimal first
    const raw = key === '' ? v : this[key];
    return Decimal.isDecimal(raw) ? (raw as Decimal).toFixed() : v;
  }));
}

const decOrNull = (v: unknown): Decimal | null => (v === null || v === undefined ? null : new Decimal(String(v)));

export function inputFromJson(json: Record<string, unknown>): SignalInput {
  const input = { ...json } as unknown as SignalInput;
  for (const field of PRICE_FIELDS) input[field] = decOrNull(json[field]);
  return input;
}

function sizeFromJson(json: Record<string, unknown> | null): SizeDecision | null {
  if (json === null) return null;
  const size: SizeDecision = { notional: new Decimal(String(json['notional'])), inputs: (json['inputs'] ?? {}) as SizeDecision['inputs'] };
  // a size stored before adjustments were recorded has none to restore
  if (Array.isArray(json['adjustments'])) {
    size.adjustments = (json['adjustments'] as Array<Record<string, unknown>>)
      .map((a) => ({ field: 'notional' as const, from: new Decimal(String(a['from'])), to: new Decimal(String(a['to'])), reason: String(a['reason']) }));
  }
  return size;
}

export function signalFromRow(row: Row): SignalRecord {
  return {
    id: row.id,
    receivedAt: toMs(row.received_at),
    input: inputFromJson(row.input),
    executionMode: row.execution_mode as ExecutionMode,
    stars: row.stars,
    status: row.status as SignalStatus,
    denial: row.denial as Denial | null,
    verdicts: row.verdicts as CheckVerdict[],
    size: sizeFromJson(row.size),
    tradeId: row.trade_id,
    expiresAt: toMsOrNull(row.expires_at),
    decidedAt: toMsOrNull(row.decided_at),
    note: row.note,
  };
}

export const nullableJsonText = (value: unknown): string | null => (value === null ? null : jsonText(value));
