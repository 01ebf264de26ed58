/**
 * A session of recorded bars and signals whose trades are known in advance (New York time,
 * 2026-11-20, every symbol flat at 10.00 unless said; settings BACKTEST_FIXTURE_SETTINGS):
 *  - HSTP (signal 10:00:05): the 10:05 bar's low 9.80 meets the 2 % hard stop → sold at its close 9.85;
 *  - PTGT (10:00:05): the 10:10 bar's high 10.70 passes the 6 % target (10.60) → sold at its close 10.65;
 *  - TRAIL (10:00:05): peak 10.40 in the 10:15 bar; the 10:16 bar's low 9.98 is under the 4 % trail
 *    (9.984) and above the hard stop (9.80) → sold at its close 10.10;
 *  - HOLD (10:00:05): flat; 1,800 s after its fill (10:00:15) the max hold sells it at 10.00;
 *  - FCLS (15:30:05): flat; the 15:45 force close sells it at 10.00;
 *  - a second HSTP signal (10:01:00, id fx-DUP) while the first is open: skipped, DUPLICATE_SYMBOL.
 * A market order fills at the first price after it is sent (the bar's next intrabar point, 15 s on).
 */
import type { Bar } from '../../src/domain/market-data.js';

export const FIXTURE_DAY = '2026-11-20';
/** 09:30 New York on the fixture day (EST: UTC−5) */
export const FIXTURE_OPEN = Date.parse('2026-11-20T14:30:00Z');
export const et = (hhmmss: string): number => Date.parse(`2026-11-20T${hhmmss}-05:00`);

export const BACKTEST_FIXTURE_SETTINGS = {
  hardStopLossPct: 2, profitTargetPct: 6, trailingStopPct: 4, maxHoldDurationSec: 1_800, maxConcurrentPositions: 10, brokerStopMode: 'off',
} as const;

const SPECIAL: Record<string, Record<string, [number, number, number, number]>> = {
  HSTP: { '10:05': [10, 10, 9.8, 9.85] },
  PTGT: { '10:10': [10, 10.7, 10, 10.65] },
  TRAIL: { '10:15': [10, 10.4, 10, 10.4], '10:16': [10.4, 10.4, 9.98, 10.1] },
};

export function fixtureBars(): Bar[] {
  const bars: Bar[] = [];
  for (const symbol of ['FCLS', 'HOLD', 'HSTP', 'PTGT', 'TRAIL']) {
    let last = 10;
    for (let m = 0; m < 390; m++) {
      const t = FIXTURE_OPEN + m * 60_000;
      const hhmm = new Date(t - 5 * 3_600_000).toISOString().slice(11, 16);
      const special = SPECIAL[symbol]?.[hhmm];
      const [o, h, l, c] = special ?? [last, last, last, last];
      last = c;
      bars.push({ symbol, t, o, h, l, c, v: 1_000, n: null, vw: null });
    }
  }
  return bars;
}

export function fixtureSignals(): Array<{ at: number; body: Record<string, unknown> }> {
  const body = (symbol: string, id = `fx-${symbol}`) => ({ id, symbol, side: 'buy', catalystType: 'earnings', catalystTier: 1, aiConfidence: 'high', priceAtSignal: 10 });
  return [
    ...['HSTP', 'PTGT', 'TRAIL', 'HOLD'].map((symbol) => ({ at: et('10:00:05'), body: body(symbol) })),
    { at: et('10:01:00'), body: body('HSTP', 'fx-DUP') },
    { at: et('15:30:05'), body: body('FCLS') },
  ];
}
