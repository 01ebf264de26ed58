import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_TOKEN_FILE, resolveApiToken } from '../../src/config/api-token.js';

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
