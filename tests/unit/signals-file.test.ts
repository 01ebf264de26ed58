import { describe, expect, it } from 'vitest';
import { parseSignalsText } from '../../src/cli/backtest/signals-file.js';

const line = (o: object) => JSON.stringify(o);
const body = { id: 's-1', symbol: 'aapl', side: 'buy', catalystType: 'earnings', catalystTier: 1 };

describe('parseSignalsText: POST /api/signals bodies with the time they arrive', () => {
  it('reads each line as the route would, keeps the body to post, and orders by arrival', () => {
    const read = parseSignalsText([
      line({ ...body, id: 's-2', at: '2026-11-20T14:40:00Z' }),
      '',
      line({ ...body, at: '2026-11-20T09:35:00-05:00', stopLossPrice: '9.5' }),
    ].join('\n'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.signals.map((s) => [s.line, s.at, s.input.id, s.input.symbol])).toEqual([
      [3, Date.parse('2026-11-20T14:35:00Z'), 's-1', 'AAPL'],
      [1, Date.parse('2026-11-20T14:40:00Z'), 's-2', 'AAPL'],
    ]);
    expect(read.signals[0]!.body).toEqual({ ...body, stopLossPrice: '9.5' });
    expect(read.signals[0]!.input.stopLossPrice?.toFixed()).toBe('9.5');
  });

  it('lists every problem by line: JSON, the time, each field the route refuses, a repeated id', () => {
    const read = parseSignalsText([
      '{"id":',
      line({ ...body, at: 'at the open' }),
      line({ ...body, id: 's-3', side: 'sell', catalystTier: 7, extra: true, at: '2026-11-20T14:40:00Z' }),
      line({ ...body, at: '2026-11-20T14:41:00Z' }),
    ].join('\n'));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems[0]).toBe('line 1: not JSON');
    expect(read.problems[1]).toBe('line 2: at must be the RFC 3339 time the signal arrives (got "at the open")');
    expect(read.problems.filter((p) => p.startsWith('line 3:')).map((p) => p.split(':')[1]!.trim()).sort()).toEqual(['(body)', 'catalystTier', 'side'].sort());
    expect(read.problems.at(-1)).toBe('line 4: id s-1 is already on line 2 (a repeated id is one signal)');
  });

  it('says so when there is no signal', () => {
    expect(parseSignalsText('\n\n')).toEqual({ ok: false, problems: ['no signals: the file has no lines'] });
  });
});
