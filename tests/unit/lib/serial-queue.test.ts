import { describe, expect, it } from 'vitest';
import { errorText } from '../../../src/lib/error-text.js';
import { SerialQueue } from '../../../src/lib/serial-queue.js';

describe('SerialQueue', () => {
  it('runs work one at a time in call order, and a failure does not block what follows', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const first = queue.run(async () => { log.push('first:start'); await gate; log.push('first:end'); return 1; });
    const second = queue.run(async () => { log.push('second'); throw new Error('boom'); });
    const third = queue.run(async () => { log.push('third'); return 3; });
    await Promise.resolve();
    expect(log).toEqual(['first:start']);
    release();
    await expect(first).resolves.toBe(1);
    await expect(second).rejects.toThrow('boom');
    await expect(third).resolves.toBe(3);
    await queue.idle();
    expect(log).toEqual(['first:start', 'first:end', 'second', 'third']);
  });
});

describe('errorText', () => {
  it('gives an Error its message and anything else as text', () => {
    expect(errorText(new Error('refused'))).toBe('refused');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
  });
});
