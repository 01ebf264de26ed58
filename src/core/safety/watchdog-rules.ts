/**
 * "Every position protected", the pure half: the live trades, the actors that track
 * them and their symbols' price freshness → the violations, the repairs and what must escalate.
 * Invariants:
 *  - every open or exiting trade has a position actor; an open one also a fresh price (an exiting
 *    trade is already selling: its exit no longer waits on a price);
 *  - a trade without an actor is ONE violation (actor_missing) and its price is not judged: the
 *    re-adopted actor re-arms the symbol, so a stale price there is the same fault;
 *  - staleness is per symbol: trades sharing a symbol share one violation and one snapshot poll;
 *    a price is stale when last confirmed longer than staleAfterMs ago, or never (not watched);
 *  - a violation's streak counts the consecutive checks that saw it (keyed by trade or symbol);
 *    it escalates from the check where the streak reaches escalateAfter (the shell acts once per
 *    episode); a check without it ends the episode and reports it resolved;
 *  - an exit that cannot complete (stuck-exits.ts: its actor gave up, or it has been exiting too
 *    long in the session) is one violation per trade (exit_stuck); nothing here can repair it, so it
 *    escalates like the others and stays in the status until the trade leaves exiting;
 *  - a live protective stop at the broker is protection: a stale price on a symbol whose every open
 *    trade has one is still reported and polled, but does not escalate (the stop bounds the loss;
 *    only Keel's other exits wait on the price);
 *  - deterministic: violations come actor_missing first, then price_stale, then exit_stuck, each
 *    sorted by key.
 */
import type { EpochMs } from '../../domain/time.js';
import type { StuckExit } from './stuck-exits.js';
import type { TradeStatus } from '../../domain/trade.js';

export interface WatchedTrade {
  id: string;
  symbol: string;
  status: TradeStatus;
}

export interface WatchdogBounds {
  /** a price older than this (ms) is stale */
  staleAfterMs: number;
  /** consecutive checks with the same violation before it escalates */
  escalateAfter: number;
}

/** one violation's episode so far */
export interface ViolationTrack {
  streak: number;
  /** when the episode began (the first check that saw it) */
  since: EpochMs;
}

export interface WatchdogInput {
  trades: readonly WatchedTrade[];
  /** trade ids with a position actor */
  tracked: ReadonlySet<string>;
  /** when the symbol's price was last confirmed; null = never / not watched */
  priceAt: (symbol: string) => EpochMs | null;
  now: EpochMs;
  bounds: WatchdogBounds;
  /** the tracks after the previous check */
  previous: ReadonlyMap<string, ViolationTrack>;
  /** exits that cannot complete (supervisor.stuckExits()); none when omitted */
  stuck?: readonly StuckExit[];
  /** trade ids with a live protective stop at the broker (supervisor.brokerProtected()); none when omitted */
  brokerProtected?: ReadonlySet<string>;
}

interface ViolationBase extends ViolationTrack {
  key: string;
  symbol: string;
}

export type WatchdogViolation =
  | (ViolationBase & { kind: 'actor_missing'; tradeId: string; status: TradeStatus })
  | (ViolationBase & {
    kind: 'price_stale'; tradeIds: string[]; /** null = never confirmed */ ageMs: number | null;
    /** every one of its trades has a live protective stop at the broker: reported, never escalated */
    brokerStop: boolean;
  })
  | (ViolationBase & { kind: 'exit_stuck'; tradeId: string; reason: StuckExit['reason']; detail: string; exitingSince: EpochMs });

export interface WatchdogVerdict {
  violations: WatchdogViolation[];
  /** trade ids to re-adopt */
  readopt: string[];
  /** symbols to poll now */
  refresh: string[];
  /** violations whose streak reached escalateAfter */
  escalate: WatchdogViolation[];
  /** keys the previous check saw and this one did not */
  resolved: string[];
  /** the tracks to pass to the next check */
  tracks: Map<string, ViolationTrack>;
}

const PROTECTED: readonly TradeStatus[] = ['open', 'exiting'];

export const actorKey = (tradeId: string): string => `actor_missing:${tradeId}`;
export const priceKey = (symbol: string): string => `price_stale:${symbol}`;
export const stuckKey = (tradeId: string): string => `exit_stuck:${tradeId}`;

export function judgeProtection(input: WatchdogInput): WatchdogVerdict {
  const { now, bounds, previous } = input;
  const track = (key: string): ViolationTrack => {
    const prev = previous.get(key);
    return prev ? { streak: prev.streak + 1, since: prev.since } : { streak: 1, since: now };
  };
  const missing: WatchdogViolation[] = [];
  const bySymbol = new Map<string, string[]>();
  for (const trade of input.trades) {
    if (!PROTECTED.includes(trade.status)) continue;
    if (!input.tracked.has(trade.id)) {
      const key = actorKey(trade.id);
      missing.push({ kind: 'actor_missing', key, tradeId: trade.id, symbol: trade.symbol, status: trade.status, ...track(key) });
    } else if (trade.status === 'open') {
      bySymbol.set(trade.symbol, [...(bySymbol.get(trade.symbol) ?? []), trade.id]);
    }
  }
  const stale: WatchdogViolation[] = [];
  for (const [symbol, tradeIds] of bySymbol) {
    const at = input.priceAt(symbol);
    const ageMs = at === null ? null : now - at;
    if (ageMs !== null && ageMs <= bounds.staleAfterMs) continue;
    const key = priceKey(symbol);
    const brokerStop = tradeIds.every((id) => input.brokerProtected?.has(id) ?? false);
    stale.push({ kind: 'price_stale', key, symbol, tradeIds: [...tradeIds].sort(), ageMs, brokerStop, ...track(key) });
  }
  const byKey = (a: WatchdogViolation, b: WatchdogViolation) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const stuck: WatchdogViolation[] = (input.stuck ?? []).map((e) => {
    const key = stuckKey(e.tradeId);
    return { kind: 'exit_stuck', key, tradeId: e.tradeId, symbol: e.symbol, reason: e.reason, detail: e.detail, exitingSince: e.since, ...track(key) };
  });
  const violations = [...missing.sort(byKey), ...stale.sort(byKey), ...stuck.sort(byKey)];
  const tracks = new Map(violations.map((v) => [v.key, { streak: v.streak, since: v.since }]));
  return {
    violations,
    readopt: violations.flatMap((v) => (v.kind === 'actor_missing' ? [v.tradeId] : [])),
    refresh: violations.flatMap((v) => (v.kind === 'price_stale' ? [v.symbol] : [])),
    escalate: violations.filter((v) => v.streak >= bounds.escalateAfter && !(v.kind === 'price_stale' && v.brokerStop)),
    resolved: [...previous.keys()].filter((key) => !tracks.has(key)).sort(),
    tracks,
  };
}
