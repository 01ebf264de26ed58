/**
 * A backtest's outputs for people: the summary table on the terminal, and report.html — one
 * self-contained page (no script, no file or network fetch) with the equity curve as an SVG, the
 * summary, the trades, the skipped signals and the breakdowns. Every value from the run is
 * escaped: a catalyst name is text, never markup.
 */
import type { BacktestReport } from '../../service/backtest/backtest-report.js';
import { etParts } from '../../domain/market-time.js';

type Row = Record<string, unknown>;

const esc = (v: unknown): string => String(v ?? '—').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: unknown, digits = 2): string => (v === null || v === undefined || v === '' ? '—' : Number.isFinite(Number(v)) ? Number(v).toFixed(digits) : String(v));
/** an RFC 3339 time as New York wall time, as a trader reads it: 2026-11-20 10:00:15 ET */
const et = (iso: string | null): string => {
  if (iso === null) return '—';
  const p = etParts(Date.parse(iso));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.date} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} ET`;
};
/** a fraction (0.5) as a percentage (50.0%) */
const pct = (v: unknown): string => (v === null || v === undefined ? '—' : `${(Number(v) * 100).toFixed(1)}%`);

/** the figures a trader reads first, in order: [label, value] */
export function summaryLines(report: BacktestReport): Array<[string, string]> {
  const s = report.summary as Row;
  return [
    ['trades', String(s.trades ?? 0)],
    ['win rate', pct(s.winRate)],
    ['total P&L', `$${num(s.totalPnl)}`],
    ['expectancy', s.expectancy === null ? '—' : `$${num(s.expectancy)}`],
    ['profit factor', num(s.profitFactor)],
    ['max drawdown', s.maxDrawdownUsd === null ? '—' : `$${num(s.maxDrawdownUsd)} (${num(s.maxDrawdownPct, 3)}%)`],
    ['sharpe', num(s.sharpe)],
    ['signals skipped', String(report.skipped.length)],
    ['bars', `${report.run.bars} (${report.run.barsPerSecond.toLocaleString('en-US')} bars/s, ${(report.run.wallMs / 1000).toFixed(1)} s)`],
  ];
}

export function summaryTable(report: BacktestReport): string {
  const lines = summaryLines(report);
  const width = Math.max(...lines.map(([k]) => k.length));
  const exits = new Map<string, number>();
  for (const t of report.trades) if (t.exitReason) exits.set(t.exitReason, (exits.get(t.exitReason) ?? 0) + 1);
  const out = lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  if (exits.size > 0) out.push(`  ${'exits'.padEnd(width)}  ${[...exits].map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (report.run.warnings.length > 0) out.push(`  ${'warnings'.padEnd(width)}  ${report.run.warnings.length} (in report.json, run.warnings)`);
  return out.join('\n');
}

/** a one-line progress bar for a TTY: `[#####.....] 50%  2026-11-20 12:45 ET` */
export function progressBar(fraction: number, label: string, width = 30): string {
  const f = Math.max(0, Math.min(1, fraction));
  const done = Math.round(f * width);
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${String(Math.round(f * 100)).padStart(3)}%  ${label}`;
}

function equitySvg(curve: Row[]): string {
  if (curve.length < 2) return '<p>Not enough closed trades for a curve.</p>';
  const pts = curve.map((p) => [Number(p.t), Number(p.equity)] as const);
  const [t0, t1] = [pts[0]![0], pts[pts.length - 1]![0]];
  const ys = pts.map((p) => p[1]);
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * 760 + 20);
  const y = (v: number) => (y1 === y0 ? 110 : 200 - ((v - y0) / (y1 - y0)) * 180);
  const path = pts.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return `<svg viewBox="0 0 800 220" role="img" aria-label="Equity curve from ${esc(y0.toFixed(2))} to ${esc(y1.toFixed(2))}">`
    + `<polyline fill="none" stroke="#2563eb" stroke-width="2" points="${path}"/>`
    + `<text x="4" y="14" font-size="12">${esc(y1.toFixed(2))}</text><text x="4" y="214" font-size="12">${esc(y0.toFixed(2))}</text></svg>`;
}

function table(caption: string, headers: string[], rows: string[][]): string {
  if (rows.length === 0) return `<h2>${esc(caption)}</h2><p>None.</p>`;
  return `<h2>${esc(caption)}</h2><table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`
    + rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('') + '</tbody></table>';
}

export function reportHtml(report: BacktestReport): string {
  const breakdowns = Object.entries(report.breakdowns).map(([dimension, rows]) =>
    table(`By ${dimension}`, ['group', 'trades', 'win rate', 'total P&L', 'profit factor'],
      (rows as Row[]).map((r) => [String(r.key ?? '—'), String(r.trades), pct(r.winRate), num(r.totalPnl), num(r.profitFactor)])));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keel backtest ${esc(report.run.from.slice(0, 10))} – ${esc(report.run.to.slice(0, 10))}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem;max-width:1100px;color:#111}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}th{background:#f3f4f6}svg{width:100%;max-width:800px;border:1px solid #ddd}</style></head><body>
<h1>Keel backtest</h1><p>${esc(et(report.run.from))} to ${esc(et(report.run.to))} · ${esc(report.run.signals)} signals · ${esc(report.run.bars)} bars · settings ${esc(JSON.stringify(report.settings.set))}</p>
<h2>Equity curve</h2>${equitySvg(report.equityCurve as Row[])}
${table('Summary', ['figure', 'value'], summaryLines(report))}
${table('Trades', ['signal', 'symbol', 'entry', 'entry price', 'shares', 'exit', 'exit price', 'reason', 'P&L'],
    report.trades.map((t) => [t.signalId ?? '—', t.symbol, et(t.entryAt), t.entryPrice ?? '—', t.shares ?? '—', et(t.exitAt), t.exitPrice ?? '—', t.exitReason ?? t.status, t.pnl ?? '—']))}
${table('Signals not taken', ['signal', 'status', 'reason', 'detail'], report.skipped.map((s) => [s.signalId, s.status, s.reason ?? '—', s.detail ?? '—']))}
${table('Days', ['date', 'trades', 'win rate', 'realized P&L'], (report.daily as Row[]).map((d) => [String(d.date), String(d.trades), pct(d.winRate), num(d.realizedPnl)]))}
${breakdowns.join('\n')}
</body></html>
`;
}
