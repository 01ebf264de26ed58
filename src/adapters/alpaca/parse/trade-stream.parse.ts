/**
 * trade_updates stream messages (docs/alpaca.md §7). Invariants: this never throws — a message that
 * cannot be understood is 'other' or 'trade_update_unparsed' (the stream must survive it and the
 * order gets refreshed by REST); an unknown event name with a good order is a 'trade_update'
 * with event 'unknown' and eventRaw; any problem in a trade update (order or execution fields)
 * makes it 'trade_update_unparsed' with every problem listed — a fill is never half-read.
 */
import { TRADE_EVENTS, type KnownTradeEvent, type TradeUpdate } from '../../../domain/trade-update.js';
import type { TradeStreamMessage } from './stream-messages.types.js';
import { FieldReader, isRecord, type Problems } from './field-reader.js';
import { readOrder } from './order.parse.js';

function readTradeUpdate(data: unknown, problems: Problems): TradeUpdate | null {
  const r = FieldReader.of(data, 'data', problems);
  if (!r) return null;
  const eventRaw = r.string('event');
  const known = (TRADE_EVENTS as readonly string[]).includes(eventRaw);
  return {
    event: known ? (eventRaw as KnownTradeEvent) : 'unknown',
    eventRaw,
    order: readOrder(r.raw('order'), 'data.order', problems),
    timestamp: r.optTimestamp('timestamp'),
    executionId: r.optString('execution_id'),
    price: r.optDecimal('price'),
    qty: r.optDecimal('qty'),
    positionQty: r.optDecimal('position_qty'),
    // old broker SSE payloads carry a numeric event_id
    eventId: r.optId('event_id'),
    at: r.optTimestamp('at'),
  };
}

function tradeUpdateMessage(json: Record<string, unknown>): TradeStreamMessage {
  const problems: Problems = [];
  const update = readTradeUpdate(json.data, problems);
  if (update && problems.length === 0) return { kind: 'trade_update', update };
  const data = isRecord(json.data) ? json.data : {};
  const order = isRecord(data.order) ? data.order : {};
  return {
    kind: 'trade_update_unparsed',
    orderId: typeof order.id === 'string' ? order.id : null,
    event: typeof data.event === 'string' ? data.event : null,
    problems,
    raw: json,
  };
}

export function parseTradeStreamMessage(json: unknown): TradeStreamMessage {
  if (!isRecord(json)) return { kind: 'other', raw: json };
  const data = isRecord(json.data) ? json.data : null;
  switch (json.stream) {
    case 'trade_updates':
      return tradeUpdateMessage(json);
    case 'authorization': {
      const status = data?.status;
      if (status !== 'authorized' && status !== 'unauthorized') return { kind: 'other', raw: json };
      return {
        kind: 'authorization',
        status,
        action: typeof data?.action === 'string' ? data.action : '',
        message: typeof data?.message === 'string' ? data.message : null,
      };
    }
    case 'listening': {
      const streams = data?.streams;
      if (!Array.isArray(streams) || !streams.every((s) => typeof s === 'string')) return { kind: 'other', raw: json };
      return { kind: 'listening', streams };
    }
    default:
      if (json.action === 'error') {
        const message = typeof data?.error_message === 'string' ? data.error_message : JSON.stringify(json.data ?? null);
        return { kind: 'error', message };
      }
      return { kind: 'other', raw: json };
  }
}
