import { describe, expect, it } from 'vitest';
import { printableText, textProblem } from '../../src/http/printable-text.js';

describe('printable text: the one rule for free text in a request', () => {
  it('accepts printable text in any script, emoji (surrogate pairs) included', () => {
    for (const text of ['earnings', 'Übernahme', '決算発表', 'gap‑and‑go 🚀', 'a b', '']) expect(textProblem(text), text).toBeNull();
  });

  it('refuses control characters: NUL, tab, line breaks, escape, DEL and C1 controls', () => {
    for (const text of ['a\u0000', '\tx', 'x\ny', 'x\r', '\u001b[31m', 'x\u007f', 'x\u0085', 'x\u009b']) {
      expect(textProblem(text), JSON.stringify(text)).toMatch(/control characters/);
    }
  });

  it('refuses a lone surrogate, high or low, and a pair in the wrong order', () => {
    for (const text of ['x\ud800', '\udfffx', '\ude00\ud83d', 'ok 🚀 \ud83d']) {
      expect(textProblem(text), JSON.stringify(text)).toMatch(/lone surrogate/);
    }
  });

  it('trims, then bounds the length, and lists the problem', () => {
    const schema = printableText(5);
    expect(schema.parse('  abc  ')).toBe('abc');
    expect(schema.safeParse('   ').success).toBe(false);
    expect(schema.safeParse('abcdef').success).toBe(false);
    expect(printableText(5, { min: 0 }).parse(' ')).toBe('');
    const nul = schema.safeParse('a\u0000b');
    expect(nul.success === false && nul.error.issues.map((i) => i.message)).toEqual([expect.stringMatching(/control characters/)]);
  });
});
