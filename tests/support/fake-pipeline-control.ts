/**
 * A hand-written PipelineControl for HTTP tests: in-memory signals and trades, a log of every call
 * (so tests can assert what the HTTP layer passed through, and that a rejected request called
 * nothing), and switches for the refusals a real pipeline gives.
 */
import type { Invalidation } from '../../src/control/pipeline/invalidate.js';
import type { ControlResult } from '../../src/control/lifecycle/bot-control.types.js';
import type {
  ActiveTrade, DailyPerformanceAnswer, EmergencyStopReport, PerformanceAnswer, PerformanceRequest, PerformanceWindow, PipelineControl, SignalEvaluation,
  TodayPerformance, TradeDetail,
} from '../../src/control/pipeline/pipeline.types.js';
import type { Page, SignalQuery, TradeQuery } from '../../src/domain/query.js';
import type { DailyRow, PerformanceReport } from '../../src/core/analytics/analytics.types.js';
import type { TradingModeName } from '../../src/domain/bot-config.js';
import { Decimal } from '../../src/domain/money.js';
import type { SignalAnswer, SignalInput, SignalRecord } from '../../src/domain/signal.js';
import type { Trade } from '../../src/domain/trade.js';

export interface PipelineCall {
  method: keyof PipelineControl;
  args: unknown[];
}

export class FakePipelineControl implements PipelineControl {
  readonly calls: PipelineCall[] = [];
  readonly signals = new Map<string, SignalRecord>();
  readonly trades = new Map<string, TradeDetail>();
  /** the answer ingestSignal gives (signalId defaults to the input id or 'sig-generated') */
  nextAnswer: Omit<SignalAnswer, 'signalId'> = { outcome: 'fired' };
  signalPage: Page<SignalRecord> = { items: [], nextCursor: null };
  tradePage: Page<Trade> = { items: [], nextCursor: null };
  /** when set, list calls reject with it (e.g. an error named InvalidCursorError) */
  listError: Error | null = null;
  report: EmergencyStopReport = {
    cancelledOrders: [], cancelled: [], stillOpen: [], closed: [], closing: [], failed: [], flatten: 'not_requested', left: [], state: 'halted', problems: [],
  };

  async ingestSignal(input: SignalInput): Promise<SignalAnswer> {
    this.record('ingestSignal', [input]);
    return { signalId: input.id ?? 'sig-generated', ...this.nextAnswer };
  }

  /** the answer evaluateSignal gives */
  evaluation: SignalEvaluation = { symbol: 'AAPL', executionMode: 'full_auto', stars: 5, outcome: 'would_fire', denial: null, verdicts: [], size: null, warnings: [] };

  async evaluateSignal(input: SignalInput): Promise<SignalEvaluation> {
    this.record('evaluateSignal', [input]);
    return { ...this.evaluation, symbol: input.symbol };
  }

  async listSignals(query: SignalQuery): Promise<Page<SignalRecord>> {
    this.record('listSignals', [query]);
    if (this.listError) throw this.listError;
    return this.signalPage;
  }

  async getSignal(id: string): Promise<SignalRecord | null> {
    this.record('getSignal', [id]);
    return this.signals.get(id) ?? null;
  }

  async approveSignal(id: string, cause: string): Promise<ControlResult<SignalAnswer>> {
    this.record('approveSignal', [id, cause]);
    return this.decide(id, 'approved');
  }

  async rejectSignal(id: string, note: string | null, cause: string): Promise<ControlResult<SignalAnswer>> {
    this.record('rejectSignal', [id, note, cause]);
    return this.decide(id, 'rejected');
  }

  /** what the fake answers an invalidation (default: the position is being sold) */
  invalidation: ControlResult<Invalidation> | null = null;
  async invalidateSignal(id: string, reason: string, cause: string): Promise<ControlResult<Invalidation>> {
    this.record('invalidateSignal', [id, reason, cause]);
    return this.invalidation ?? { ok: true, value: { signalId: id, action: 'exiting', tradeId: 't-1', reason } };
  }

  async listTrades(query: TradeQuery): Promise<Page<Trade>> {
    this.record('listTrades', [query]);
    if (this.listError) throw this.listError;
    return this.tradePage;
  }

  async getTrade(id: string): Promise<TradeDetail | null> {
    this.record('getTrade', [id]);
    return this.trades.get(id) ?? null;
  }

  /** the answer activeTrades gives */
  active: ActiveTrade[] = [];

  async activeTrades(): Promise<ActiveTrade[]> {
    this.record('activeTrades', []);
    return this.active;
  }

  async emergencyStop(opts: { closePositions: boolean }, cause: string): Promise<EmergencyStopReport> {
    this.record('emergencyStop', [opts, cause]);
    return this.report;
  }

  /** the analytics the fake answers with; the window echoes the request, its defaults are these */
  currentMode: TradingModeName = 'paper';
  defaultWindow = { from: '2026-10-25', to: '2026-11-23' };
  performanceReport: PerformanceReport = {
    summary: {
      trades: 0, wins: 0, losses: 0, breakeven: 0, winRate: null, totalPnl: new Decimal(0), grossProfit: new Decimal(0), grossLoss: new Decimal(0),
      profitFactor: null, expectancy: null, avgWin: null, avgLoss: null, payoffRatio: null, bestTrade: null, worstTrade: null,
      avgHoldSeconds: null, avgHoldSecondsWinners: null, avgHoldSecondsLosers: null, maxConsecutiveWins: 0, maxConsecutiveLosses: 0,
      maxDrawdownUsd: null, maxDrawdownPct: null, sharpe: null, sortino: null, calmar: null, returnPct: null,
    },
    equityCurve: [],
    breakdowns: { strategy: [], catalystType: [], catalystTier: [], stars: [], exitReason: [], symbol: [], entryHourEt: [], weekday: [] },
  };
  days: DailyRow[] = [];
  today: Omit<TodayPerformance, 'mode'> = {
    date: '2026-11-23', trades: 0, wins: 0, losses: 0, winRate: null, realizedPnl: new Decimal(0), bestTradePnl: null, worstTradePnl: null,
    avgHoldSeconds: null, startEquity: null, endEquity: null, returnPct: null, maxDrawdownPct: null,
    unrealizedPnl: null, openPositions: null, equity: null,
  };

  async performance(request: PerformanceRequest): Promise<PerformanceAnswer> {
    this.record('performance', [request]);
    return { ...this.window(request), ...this.performanceReport };
  }

  async performanceDaily(window: PerformanceWindow): Promise<DailyPerformanceAnswer> {
    this.record('performanceDaily', [window]);
    return { ...this.window(window), days: this.days };
  }

  async performanceToday(window: Pick<PerformanceWindow, 'mode'>): Promise<TodayPerformance> {
    this.record('performanceToday', [window]);
    return { ...this.today, mode: window.mode ?? this.currentMode };
  }

  private window(w: PerformanceWindow) {
    return { from: w.from ?? this.defaultWindow.from, to: w.to ?? this.defaultWindow.to, mode: w.mode ?? this.currentMode };
  }

  callsOf(method: keyof PipelineControl): PipelineCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** a pending signal can be decided once; anything else is refused like the real pipeline */
  private decide(id: string, outcome: 'approved' | 'rejected'): ControlResult<SignalAnswer> {
    const signal = this.signals.get(id);
    if (!signal) return { ok: false, error: { code: 'NOT_FOUND', message: `no signal ${id}`, httpStatus: 404 } };
    if (signal.status !== 'pending') {
      return { ok: false, error: { code: 'SIGNAL_NOT_PENDING', message: `signal is ${signal.status}`, httpStatus: 409, details: { status: signal.status } } };
    }
    this.signals.set(id, { ...signal, status: outcome });
    return { ok: true, value: { signalId: id, outcome } };
  }

  private record(method: keyof PipelineControl, args: unknown[]): void {
    this.calls.push({ method, args });
  }
}
