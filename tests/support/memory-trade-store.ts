/**
 * The TradeStore port in memory, for unit tests of the position actors and their supervisor:
 * rows, journal and the day's statistics in Maps, with the port's all-or-nothing steps (a write
 * that `failNext` makes fail changes nothing).
 */
import { closingPatch, dailyDelta, type ExitFill } from '../../src/core/reconcile/closing.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import type { JournalEntry, JournalInput } from '../../src/domain/journal.js';
import { Decimal, ZERO } from '../../src/domain/money.js';
import { LIVE_TRADE_STATUSES, type Trade, type TradePatch } from '../../src/domain/trade.js';
import type { ExitRuleSettings, TradeStore } from '../../src/ports/trade-store.port.js';

export const DEFAULT_EXIT_RULES: ExitRuleSettings = {
  hardStopLossPct: 7, profitTargetPct: 10, trailingStopPct: null, maxHoldDurationSec: 3600, eodForceCloseTime: '15:55', brokerStopMode: 'off',
} satisfies Partial<BotSettings>;

export class MemoryTradeStore implements TradeStore {
  readonly trades = new Map<string, Trade>();
  readonly journal: JournalEntry[] = [];
  readonly days = new Map<string, { realizedPnl: Decimal; tradeCount: number; roundTripCount: number }>();
  rules: ExitRuleSettings = DEFAULT_EXIT_RULES;
  /** the writes made, in order: 'step' | 'close' | 'journal' */
  readonly writes: string[] = [];
  /** the next write rejects with this error (and changes nothing) */
  failNext: Error | null = null;

  put(trade: Trade): Trade {
    this.trades.set(trade.id, { ...trade });
    return trade;
  }

  async saveStep(tradeId: string, patch: TradePatch, entry: JournalInput | null, now: number): Promise<Trade> {
    this.check('step');
    const trade = this.apply(tradeId, patch, now);
    if (entry) this.log({ subject: tradeId, ...entry }, now);
    return trade;
  }

  async close(trade: Trade, fill: ExitFill, now: number): Promise<Trade> {
    this.check('close');
    const patch = closingPatch(trade, fill);
    const { day, delta } = dailyDelta(trade, fill, patch.pnl);
    const closed = this.apply(trade.id, patch, now);
    this.log({ kind: 'state_transition', cause: 'broker', subject: trade.id, message: `trade ${trade.symbol} closed (${fill.reason})`, data: { tradeId: trade.id, from: trade.status, to: 'closed', exitReason: fill.reason } }, now);
    const d = this.days.get(day) ?? { realizedPnl: ZERO, tradeCount: 0, roundTripCount: 0 };
    this.days.set(day, { realizedPnl: d.realizedPnl.plus(delta.realizedPnl), tradeCount: d.tradeCount + 1, roundTripCount: d.roundTripCount + delta.roundTripCount });
    return closed;
  }

  async appendJournal(entry: JournalInput, now: number): Promise<void> {
    this.check('journal');
    this.log(entry, now);
  }

  async journalOf(tradeId: string): Promise<JournalEntry[]> {
    return this.journal.filter((e) => e.subject === tradeId);
  }

  async getTrade(id: string): Promise<Trade | null> {
    const t = this.trades.get(id);
    return t ? { ...t } : null;
  }

  async liveTrades(): Promise<Trade[]> {
    return [...this.trades.values()].filter((t) => LIVE_TRADE_STATUSES.includes(t.status)).reverse().map((t) => ({ ...t }));
  }

  async exitRules(): Promise<ExitRuleSettings> {
    return this.rules;
  }

  private check(write: string): void {
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    this.writes.push(write);
  }

  private apply(id: string, patch: TradePatch, now: number): Trade {
    const row = this.trades.get(id);
    if (!row) throw new Error(`trade ${id} not found`);
    const next: Trade = { ...row, ...(patch as Partial<Trade>), updatedAt: now };
    this.trades.set(id, next);
    return { ...next };
  }

  private log(entry: JournalInput, now: number): void {
    this.journal.push({ id: this.journal.length + 1, at: now, kind: entry.kind, cause: entry.cause, subject: entry.subject ?? null, message: entry.message, data: entry.data ?? {} });
  }
}

export { Decimal };
