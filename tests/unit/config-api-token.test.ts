import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_TOKEN_FILE, apiTokenBanner, resolveApiToken } from '../../src/config/api-token.js';

describe('resolveApiToken', () => {
  let root: string;
  let dataDir: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'keel-token-'));
    dataDir = path.join(root, 'nested', '.keel');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses KEEL_API_TOKEN when set and writes nothing', async () => {
    const resolved = await resolveApiToken({ envToken: 'from-the-environment-123', dataDir });
    expect(resolved).toEqual({ token: 'from-the-environment-123', source: 'env', file: null });
    await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('prefers the environment over a stored token', async () => {
    await resolveApiToken({ envToken: undefined, dataDir });
    const resolved = await resolveApiToken({ envToken: 'from-the-environment-123', dataDir });
    expect(resolved.token).toBe('from-the-environment-123');
  });

  it('generates a 32-byte base64url token once, creating the data dir, and reuses it afterwards', async () => {
    const first = await resolveApiToken({ envToken: undefined, dataDir });
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.file).toBe(path.join(dataDir, API_TOKEN_FILE));

    const second = await resolveApiToken({ envToken: '', dataDir });
    expect(second).toEqual({ token: first.token, source: 'file', file: first.file });
  });

  it('writes the generated token with mode 0600', async () => {
    const { file } = await resolveApiToken({ envToken: undefined, dataDir });
    const info = await stat(file!);
    expect(info.mode & 0o777).toBe(0o600);
    expect((await readFile(file!, 'utf8')).trim()).toHaveLength(43);
  });

  it('reads a token a trader put in the file by hand, ignoring surrounding whitespace', async () => {
    await resolveApiToken({ envToken: undefined, dataDir });
    await writeFile(path.join(dataDir, API_TOKEN_FILE), '  hand-written-token-value \n');
    const resolved = await resolveApiToken({ envToken: undefined, dataDir });
    expect(resolved).toMatchObject({ token: 'hand-written-token-value', source: 'file' });
  });
});

describe('apiTokenBanner: the whole token is printed only when it was generated just now', () => {
  const URL = 'http://127.0.0.1:3000/api/bot/status';
  const TOKEN = 'abcdEFGH-ijklMNOP_qrstUVWX0123456789-_abcde';

  it('generated: the whole token and the file that keeps it, and a curl with it', () => {
    const banner = apiTokenBanner({ token: TOKEN, source: 'generated', file: '/srv/keel/.keel/api-token' }, URL);
    expect(banner.tokenLine).toBe(`API token ${TOKEN}  (generated now, saved in /srv/keel/.keel/api-token; shown in full only this once)`);
    expect(banner.tryLine).toBe(`curl -H 'Authorization: Bearer ${TOKEN}' ${URL}`);
  });

  it('from KEEL_API_TOKEN: its first 4 characters only, and a curl that reads the variable', () => {
    const banner = apiTokenBanner({ token: TOKEN, source: 'env', file: null }, URL);
    expect(banner).toEqual({
      tokenLine: 'API token abcd…  (from KEEL_API_TOKEN)',
      tryLine: `curl -H "Authorization: Bearer $KEEL_API_TOKEN" ${URL}`,
    });
    expect(JSON.stringify(banner)).not.toContain(TOKEN.slice(0, 5));
  });

  it('from the file of an earlier start: its first 4 characters, and a curl that reads the file', () => {
    const banner = apiTokenBanner({ token: TOKEN, source: 'file', file: '.keel/api-token' }, URL);
    expect(banner).toEqual({
      tokenLine: 'API token abcd…  (from .keel/api-token)',
      tryLine: `curl -H "Authorization: Bearer $(cat .keel/api-token)" ${URL}`,
    });
    expect(JSON.stringify(banner)).not.toContain(TOKEN.slice(0, 5));
  });

  it('quotes a token file path the shell would split', () => {
    const banner = apiTokenBanner({ token: TOKEN, source: 'file', file: "/home/o'neil/my keel/api-token" }, URL);
    expect(banner.tryLine).toBe(`curl -H "Authorization: Bearer $(cat '/home/o'\\''neil/my keel/api-token')" ${URL}`);
  });
});
