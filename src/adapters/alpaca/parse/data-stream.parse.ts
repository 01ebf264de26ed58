/**
 * Market-data stream frames (docs/alpaca.md §9): a frame is a JSON array of `{T, ...}` messages.
 * Invariant: one malformed or unknown element becomes {T:'other'} and never costs the frame's
 * other elements (a batch of quotes must not be lost for one bad entry). Channels Keel does not
 * model (lulds, corrections, cancel errors, imbalances) are 'other' too.
 */
import type { StreamSubscription } from '../../../domain/market-data.js';
import type { DataStreamMessage } from './stream-messages.types.js';
import { FieldReader, describe, isRecord, throwIfProblems, type Problems } from './field-reader.js';
import { readBar, readQuote, readTrade } from './market-data.parse.js';

function readSubscription(obj: Record<string, unknown>): DataStreamMessage {
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key !== 'T' && Array.isArray(value) && value.every((s) => typeof s === 'string')) lists[key] = value;
  }
  // the test stream lists only the channels in use: fill the three Keel relies on
  const subscription = { ...lists, trades: lists.trades ?? [], quotes: lists.quotes ?? [], bars: lists.bars ?? [] };
  return { T: 'subscription', subscription: subscription as StreamSubscription & Record<string, string[]> };
}

function readElement(element: unknown, problems: Problems): DataStreamMessage | null {
  const r = FieldReader.of(element, 'message', problems);
  if (!r) return null;
  const type = r.raw('T');
  switch (type) {
    case 'success':
      return { T: 'success', msg: r.string('msg') };
    case 'error':
      return { T: 'error', code: r.number('code'), msg: r.string('msg') };
    case 'subscription':
      return readSubscription(r.obj);
    case 't': {
      const trade = readTrade(r.string('S'), element, 'message', problems);
      return trade && { T: 't', trade };
    }
    case 'q': {
      const quote = readQuote(r.string('S'), element, 'message', problems);
      return quote && { T: 'q', quote };
    }
    case 'b':
    case 'u':
    case 'd': {
      const bar = readBar(r.string('S'), element, 'message', problems);
      return bar && { T: type, bar };
    }
    case 's':
      return {
        T: 's', symbol: r.string('S'), statusCode: r.string('sc'), statusMessage: r.optString('sm') ?? '',
        t: r.timestamp('t'),
      };
    default:
      return null;
  }
}

export function parseDataStreamFrame(json: unknown): DataStreamMessage[] {
  if (!Array.isArray(json)) {
    throwIfProblems('market data frame', [`(root): expected array, got ${describe(json)}`], json);
    return [];
  }
  return json.map((element) => {
    const problems: Problems = [];
    const message = isRecord(element) ? readElement(element, problems) : null;
    return message && problems.length === 0 ? message : { T: 'other', raw: element };
  });
}
