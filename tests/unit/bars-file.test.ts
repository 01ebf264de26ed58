import { describe, expect, it } from 'vitest';
import { parseBarsText } from '../../src/adapters/backtest/bars-file.js';
import { MAX_PROBLEMS } from '../../src/lib/problem-list.js';

const T = Date.parse('2026-11-20T14:31:00Z');

describe('parseBarsText: CSV', () => {
  it('reads the columns in any order, times as RFC 3339 or epoch ms, and returns the bars in time order', () => {
    const read = parseBarsText([
      'c,symbol,t,o,h,l,v',
      `10.5,AAPL,2026-11-20T14:32:00Z,10.1,10.8,10.0,1200`,
      `20.1,MSFT,${T},20,20.2,19.9,300`,
      '',
      `10.2,AAPL,2026-11-20T09:31:00-05:00,10,10.3,9.9,900`,
    ].join('\n'), 'csv');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.bars.map((b) => [b.symbol, b.t])).toEqual([['AAPL', T], ['MSFT', T], ['AAPL', T + 60_000]]);
    expect(read.bars[0]).toEqual({ symbol: 'AAPL', t: T, o: 10, h: 10.3, l: 9.9, c: 10.2, v: 900, n: null, vw: null });
  });

  it('refuses a header without the columns, naming the missing ones', () => {
    const read = parseBarsText('symbol,t,open,high,low,close,volume\nAAPL,1,1,1,1,1,1', 'csv');
    expect(read).toEqual({ ok: false, problems: ['line 1: the header must name the columns symbol,t,o,h,l,c,v (missing: o, h, l, c, v)'] });
  });

  it('lists every problem of every line, with its line', () => {
    const read = parseBarsText([
      'symbol,t,o,h,l,c,v',
      'aapl,2026-11-20T14:31:00Z,10,11,9,10,5',
      'AAPL,yesterday,10,11,9,10,5',
      'AAPL,2026-11-20T14:31:30Z,10,11,9,10,5',
      'AAPL,2026-11-20T14:32:00Z,10,9,11,10,5',
      'AAPL,2026-11-20T14:33:00Z,0,11,9,10,-1',
      'AAPL,2026-11-20T14:34:00Z,10,11',
      'MSFT,2026-11-20T14:31:00Z,10,11,9,10,5',
      'MSFT,2026-11-20T14:31:00Z,10,11,9,10,5',
    ].join('\n'));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems).toEqual([
      'line 2: symbol must be an exchange symbol such as AAPL (got "aapl")',
      'line 3: t must be an RFC 3339 time or epoch milliseconds (got "yesterday")',
      'line 4: t must be the start of a minute (got 2026-11-20T14:31:30.000Z)',
      'line 5: the prices must satisfy low ≤ open, close ≤ high (o 10, h 9, l 11, c 10)',
      'line 6: o must be a positive number (got "0")',
      'line 6: v must be a non-negative number (got "-1")',
      'line 7: 4 values for 7 columns',
      'line 9: a second bar for MSFT at 2026-11-20T14:31:00.000Z',
    ]);
  });

  it('caps the list and says how many more', () => {
    const lines = ['symbol,t,o,h,l,c,v', ...Array.from({ length: MAX_PROBLEMS + 7 }, () => 'AAPL,x,1,1,1,1,1')];
    const read = parseBarsText(lines.join('\n'));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.at(-1)).toBe('… and 7 more problems');
  });

  it('says so when there is no data line', () => {
    expect(parseBarsText('symbol,t,o,h,l,c,v\n')).toEqual({ ok: false, problems: ['no bars: the file has no data lines'] });
  });
});

describe('parseBarsText: JSON Lines in Alpaca\'s bar fields', () => {
  it('reads S,t,o,h,l,c,v (as the market-data stream sends a bar), found by its first line', () => {
    const read = parseBarsText(`{"T":"b","S":"AAPL","t":"2026-11-20T14:31:00Z","o":10,"h":10.3,"l":9.9,"c":10.2,"v":900,"n":12,"vw":10.1}\n`);
    expect(read).toEqual({ ok: true, bars: [{ symbol: 'AAPL', t: T, o: 10, h: 10.3, l: 9.9, c: 10.2, v: 900, n: null, vw: null }] });
  });

  it('refuses lines that are not JSON objects, and bars without Alpaca\'s fields', () => {
    const read = parseBarsText(['{"S":"AAPL"', '[1,2]', '{"symbol":"AAPL","t":"2026-11-20T14:31:00Z","o":1,"h":1,"l":1,"c":1,"v":1}'].join('\n'), 'jsonl');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems[0]).toBe('line 1: not JSON');
    expect(read.problems[1]).toBe('line 2: not a JSON object');
    expect(read.problems[2]).toMatch(/^line 3: symbol must be/);
  });
});
