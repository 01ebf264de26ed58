/**
 * Example bodies of the OpenAPI document. A test validates each one against its schema, so an
 * example cannot describe a shape the API does not have.
 */
import { DEFAULT_BOT_SETTINGS } from '../../domain/bot-config.js';
import { toJson } from '../to-json.js';

const AT = 1_767_364_200_000; // 2026-01-02 14:30 UTC, 09:30 in New York

export const statusExample = {
  state: 'running', stateReason: { code: 'manual', detail: null, since: AT }, starting: false, mode: 'paper', executionMode: 'full_auto', reconciled: true, openPositionCount: 1,
  todayRealizedPnl: '42.17', todayTradeCount: 3, marketOpen: true,
  market: { open: true, nextOpen: AT + 3 * 86_400_000, nextClose: AT + 23_400_000 }, forceCloseAt: AT + 22_500_000, breaker: 'none', allowedActions: ['pause', 'stop'],
  flattenQueuedAt: null, unattendedPositions: 0, stuckExits: [], brokerRateLimitedUntil: null,
  streams: { tradeUpdates: 'live', marketData: 'reconnecting' },
};

export const configExample = toJson({ ...DEFAULT_BOT_SETTINGS, state: 'stopped', mode: 'paper', updatedAt: AT });
export const settingsExample = toJson(DEFAULT_BOT_SETTINGS);

export const signalExample = {
  id: 'scanner-2026-01-02-ABCD', symbol: 'ABCD', side: 'buy', catalystType: 'fda_approval', catalystTier: 1,
  aiConfidence: 'high', stars: 5, strategy: 'momentum', priceAtSignal: '4.12', stopLossPrice: '3.85', floatShares: 8_500_000, relativeVolume: 12.4,
};

const denial = { code: 'MAX_CONCURRENT_POSITIONS', message: '3 positions are open; the limit is 3', context: { limit: 3, open: 3 } };

export const evaluationExample = {
  symbol: 'ABCD', executionMode: 'full_auto', stars: 5, outcome: 'would_skip', denial,
  verdicts: [{ check: 'catalyst-tier', passed: true, denial: null }, { check: 'max-concurrent-positions', passed: false, denial }],
  size: { notional: '100', inputs: { mode: 'star_tiers', stars: 5, uncapped: '150', maxPerTradeUsd: '100', cappedBy: 'maxPerTradeUsd' }, adjustments: [{ field: 'notional', from: '150', to: '100', reason: 'capped at maxPerTradeUsd $100.00' }] },
  warnings: ['size reduced from $150.00 to $100.00: capped at maxPerTradeUsd $100.00'],
};

export const signalRecordExample = {
  id: 'scanner-2026-01-02-ABCD', receivedAt: AT, executionMode: 'full_auto', stars: 5, status: 'fired', denial: null,
  input: { id: 'scanner-2026-01-02-ABCD', symbol: 'ABCD', side: 'buy', catalystType: 'fda_approval', catalystTier: 1, aiConfidence: 'high',
    stars: 5, confidence: null, strategy: 'momentum', priceAtSignal: '4.12', stopLossPrice: '3.85', takeProfitPrice: null,
    floatShares: 8_500_000, relativeVolume: 12.4 },
  verdicts: [{ check: 'catalyst-tier', passed: true, denial: null }],
  size: { notional: '100', inputs: { mode: 'star_tiers', stars: 5 } },
  tradeId: 'trd_01', expiresAt: null, decidedAt: AT + 40, note: null,
};

export const tradeExample = {
  id: 'trd_01', symbol: 'ABCD', side: 'buy', status: 'closed', entryPrice: '4.13', exitPrice: '4.55', shares: '24',
  notional: '99.12', pnl: '10.08', pnlPct: '10.1695', fees: '0', catalystType: 'fda_approval', catalystTier: 1, stars: 5,
  strategy: 'momentum', signalId: 'scanner-2026-01-02-ABCD', entryClientOrderId: 'keel-trd_01-entry', entryOrderId: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
  exitClientOrderId: 'keel-trd_01-exit-profit_target', exitOrderId: '61e69015-8549-4bfd-b9c3-01e75843f47d', exitReason: 'profit_target',
  peakPrice: '4.58', notes: null, stopClientOrderId: 'keel-trd_01-entry-s1', stopOrderId: '0d4f1f4e-3c55-4c8e-9a43-7b1f0c2a9e11', stopPrice: '3.84',
  stopQty: '24', stopNote: null, targetOrderId: null, exitPlan: { catalystType: 'fda_approval', stopPrice: null, targetPrice: null, override: { maxHoldSec: 600 }, sources: { stop: 'settings', target: 'settings', trailingStop: 'settings', maxHold: 'catalyst' } },
  entryAt: AT + 900, exitAt: AT + 185_000, mode: 'paper', createdAt: AT + 40, updatedAt: AT + 185_000,
};

export const tradeDetailExample = {
  trade: tradeExample, signal: signalRecordExample, verdicts: signalRecordExample.verdicts, holdSeconds: 184.1,
  journal: [{ id: 812, at: AT + 184_990, kind: 'order_submitted', cause: 'exit-rule', subject: 'trd_01', message: 'profit target reached: sell 24 ABCD', data: { rule: 'profit_target' } }],
};

export const reconciliationExample = {
  startedAt: AT - 5_000, finishedAt: AT - 4_200, ok: true, error: null, journalLiveTrades: 1, brokerPositions: 1, brokerOpenOrders: 0,
  findings: [{ kind: 'quantity_mismatch', tradeId: 'trd_01', symbol: 'ABCD', journalShares: '24', brokerShares: '23' }],
};

export const emergencyStopExample = {
  cancelledOrders: [{ orderId: '61e69015-8549-4bfd-b9c3-01e75843f47d', status: 204, error: null }],
  cancelled: ['61e69015-8549-4bfd-b9c3-01e75843f47d'], stillOpen: [], closed: ['trd_01'], closing: [], failed: [],
  flatten: 'done', left: [{ symbol: 'WXYZ', qty: '10', owner: 'external' }], state: 'halted', problems: [],
};

export const healthExample = { ok: true, database: { ok: true, error: null }, broker: { ok: true, error: null } };
