import { describe, expect, it } from 'vitest';
import { classifyHttpError, classifyTransportError } from '../../src/adapters/alpaca/errors.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');

const classify = (status: number, bodyText = '{"code":40010001,"message":"qty is required"}', headers: Record<string, string> = {}) =>
  classifyHttpError({ operation: 'POST /v2/orders', status, headers: new Headers(headers), bodyText, now: NOW });

describe('classifyHttpError', () => {
  it.each([
    [400, 'bad_request', false],
    [401, 'unauthorized', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [422, 'unprocessable', false],
    [429, 'rate_limited', true],
    [500, 'server_error', true],
    [503, 'server_error', true],
    [504, 'server_error', true],
    [409, 'unexpected_status', false],
    [302, 'unexpected_status', false],
  ] as const)('classifies HTTP %i as %s (retryable: %s)', (status, category, retryable) => {
    const error = classify(status);
    expect(error.category).toBe(category);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
  });

  it("keeps Alpaca's code, message and context fields", () => {
    const error = classify(403, '{"buying_power":"176531.28","code":40310000,"cost_basis":"48640000","message":"insufficient buying power"}');
    expect(error).toMatchObject({ code: 40310000, brokerMessage: 'insufficient buying power', body: { buying_power: '176531.28' } });
  });

  it('keeps a bare-text body as the message and falls back to the status when empty', () => {
    expect(classify(502, '<html>Bad Gateway</html>')).toMatchObject({ code: null, brokerMessage: '<html>Bad Gateway</html>' });
    expect(classify(503, '').brokerMessage).toBe('HTTP 503');
  });

  it('takes a 429 wait from Retry-After seconds before X-RateLimit-Reset', () => {
    const both = classify(429, '{"code":42910000,"message":"rate limit exceeded"}', {
      'Retry-After': '3', 'X-RateLimit-Reset': String(NOW / 1000 + 40),
    });
    expect(both.retryAfterMs).toBe(3000);
  });

  it('takes a 429 wait from X-RateLimit-Reset epoch seconds, whatever the header case', () => {
    expect(classify(429, 'rate limit exceeded', { 'x-ratelimit-reset': String(NOW / 1000 + 12) }).retryAfterMs).toBe(12_000);
    expect(classify(429, 'rate limit exceeded', { 'X-Ratelimit-Reset': String(NOW / 1000 + 1) }).retryAfterMs).toBe(1000);
  });

  it('never returns a negative wait for a reset already past, and null without headers', () => {
    expect(classify(429, '', { 'X-RateLimit-Reset': String(NOW / 1000 - 30) }).retryAfterMs).toBe(0);
    expect(classify(429, '').retryAfterMs).toBeNull();
  });

  it('sets no wait on errors other than 429', () => {
    expect(classify(503, '', { 'Retry-After': '5' }).retryAfterMs).toBeNull();
  });
});

describe('classifyTransportError', () => {
  it('classifies an abort by our timeout as timeout', () => {
    const error = classifyTransportError('GET /v2/account', new DOMException('This operation was aborted', 'AbortError'), true);
    expect(error).toMatchObject({ category: 'timeout', status: null, retryable: true });
  });

  it('classifies a refused connection as network, with the cause in the message', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const error = classifyTransportError('GET /v2/account', new TypeError('fetch failed', { cause }), false);
    expect(error.category).toBe('network');
    expect(error.brokerMessage).toContain('ECONNREFUSED');
  });

  it('does not copy anything but the error into the message', () => {
    const error = classifyTransportError('GET /v2/account', { headers: { 'APCA-API-SECRET-KEY': 's3cret' } }, false);
    expect(error.message).not.toContain('s3cret');
  });
});
