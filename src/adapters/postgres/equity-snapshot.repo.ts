/**
 * equity_snapshot: mark-to-market rows per trading mode (migration 0005).
 * Invariants:
 *  - an insert never overwrites: ON CONFLICT DO NOTHING covers both the primary key (mode, at) and
 *    the partial unique index of the closing row (mode, session_date) WHERE kind = 'close', so a
 *    restart or a second close after the bell leaves the first closing row as it was (that row was
 *    read nearest the close; a later one would carry after-hours moves). The answer says whether
 *    THIS call wrote the row;
 *  - a row with any invalid field is refused with every problem listed, and nothing is written;
 *  - lists never mix modes: the mode is required.
 */
import type { Selectable } from 'kysely';
import { TRADING_MODES, type TradingModeName } from '../../domain/bot-config.js';
import { SNAPSHOT_KINDS, type EquitySnapshot, type SnapshotKind } from '../../domain/equity-snapshot.js';
import { Decimal } from '../../domain/money.js';
import type { EpochMs } from '../../domain/time.js';
import type { DbOrTrx, EquitySnapshotTable } from './schema.js';
import { toMs, ts } from './sql-time.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function problemsOf(row: EquitySnapshot): string[] {
  const problems: string[] = [];
  if (!TRADING_MODES.includes(row.mode)) problems.push(`mode must be one of ${TRADING_MODES.join(', ')}, got ${JSON.stringify(row.mode)}`);
  if (!SNAPSHOT_KINDS.includes(row.kind)) problems.push(`kind must be one of ${SNAPSHOT_KINDS.join(', ')}, got ${JSON.stringify(row.kind)}`);
  if (!Number.isSafeInteger(row.at)) problems.push(`at must be integer epoch ms, got ${row.at}`);
  if (!DATE.test(row.sessionDate)) problems.push(`sessionDate must be YYYY-MM-DD, got ${JSON.stringify(row.sessionDate)}`);
  for (const field of ['equity', 'cash', 'longMarketValue', 'unrealizedPnl', 'realizedPnlToday'] as const) {
    if (!row[field].isFinite()) problems.push(`${field} must be a finite number, got ${row[field].toString()}`);
  }
  if (!Number.isSafeInteger(row.openPositions) || row.openPositions < 0) problems.push(`openPositions must be a whole number ≥ 0, got ${row.openPositions}`);
  return problems;
}

/** true when this call wrote the row; false when one with the same key was already there */
export async function insertEquitySnapshot(db: DbOrTrx, row: EquitySnapshot): Promise<boolean> {
  const problems = problemsOf(row);
  if (problems.length > 0) throw new RangeError(`equity snapshot refused: ${problems.join('; ')}`);
  const inserted = await db.insertInto('equity_snapshot').values({
    mode: row.mode, at: ts(row.at), kind: row.kind, session_date: row.sessionDate,
    equity: row.equity.toFixed(), cash: row.cash.toFixed(), long_market_value: row.longMarketValue.toFixed(),
    unrealized_pnl: row.unrealizedPnl.toFixed(), realized_pnl_today: row.realizedPnlToday.toFixed(),
    open_positions: row.openPositions,
  }).onConflict((oc) => oc.doNothing()).returning('at').executeTakeFirst();
  return inserted !== undefined;
}

export interface EquitySnapshotQuery {
  mode: TradingModeName;
  /** inclusive, epoch ms */
  from?: EpochMs;
  /** exclusive, epoch ms */
  to?: EpochMs;
  /** both kinds when absent */
  kind?: SnapshotKind;
}

/** one mode's rows in [from, to), oldest first */
export async function listEquitySnapshots(db: DbOrTrx, query: EquitySnapshotQuery): Promise<EquitySnapshot[]> {
  let q = db.selectFrom('equity_snapshot').selectAll().where('mode', '=', query.mode);
  if (query.from !== undefined) q = q.where('at', '>=', ts(query.from));
  if (query.to !== undefined) q = q.where('at', '<', ts(query.to));
  if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
  const rows = await q.orderBy('at', 'asc').execute();
  return rows.map(snapshotFromRow);
}

function snapshotFromRow(row: Selectable<EquitySnapshotTable>): EquitySnapshot {
  return {
    mode: row.mode as TradingModeName, at: toMs(row.at), kind: row.kind as SnapshotKind, sessionDate: row.session_date,
    equity: new Decimal(row.equity), cash: new Decimal(row.cash), longMarketValue: new Decimal(row.long_market_value),
    unrealizedPnl: new Decimal(row.unrealized_pnl), realizedPnlToday: new Decimal(row.realized_pnl_today),
    openPositions: row.open_positions,
  };
}
