/**
 * The control API's bearer token. KEEL_API_TOKEN wins; otherwise one token is generated on the
 * first start and kept in `${dataDir}/api-token` so restarts (and the trader's curl scripts) keep
 * working. Invariant: the file is written with mode 0600 and never overwritten once it exists.
 * The start banner shows the whole token only the one time it is generated (with the file that
 * keeps it): stdout is kept by whatever runs Keel (systemd's journal, CI logs), so every other
 * start shows only its first 4 characters and points at where the token comes from.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const API_TOKEN_FILE = 'api-token';

export type ApiTokenSource = 'env' | 'file' | 'generated';

export interface ResolvedApiToken {
  token: string;
  source: ApiTokenSource;
  /** the file read or written; null when the token came from the environment */
  file: string | null;
}

export async function resolveApiToken(opts: { envToken: string | null | undefined; dataDir: string }): Promise<ResolvedApiToken> {
  const envToken = opts.envToken?.trim();
  if (envToken) return { token: envToken, source: 'env', file: null };

  const file = path.join(opts.dataDir, API_TOKEN_FILE);
  const stored = await readIfPresent(file);
  if (stored) return { token: stored, source: 'file', file };

  const token = randomBytes(32).toString('base64url');
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  // 'wx' refuses to clobber a file another process created meanwhile; re-read it instead.
  try {
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readIfPresent(file);
    if (winner) return { token: winner, source: 'file', file };
    throw error;
  }
  return { token, source: 'generated', file };
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    const content = (await readFile(file, 'utf8')).trim();
    return content.length > 0 ? content : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** what the start banner says about the token: its `API token` line and a ready-to-paste curl */
export interface ApiTokenBanner {
  tokenLine: string;
  tryLine: string;
}

const SHOWN_PREFIX = 4;

export function apiTokenBanner(resolved: ResolvedApiToken, statusUrl: string): ApiTokenBanner {
  const curl = (auth: string) => `curl -H ${auth} ${statusUrl}`;
  if (resolved.source === 'generated') {
    return {
      tokenLine: `API token ${resolved.token}  (generated now, saved in ${resolved.file}; shown in full only this once)`,
      tryLine: curl(`'Authorization: Bearer ${resolved.token}'`),
    };
  }
  const shown = `${resolved.token.slice(0, SHOWN_PREFIX)}…`;
  if (resolved.source === 'env') {
    return { tokenLine: `API token ${shown}  (from KEEL_API_TOKEN)`, tryLine: curl('"Authorization: Bearer $KEEL_API_TOKEN"') };
  }
  return {
    tokenLine: `API token ${shown}  (from ${resolved.file})`,
    tryLine: curl(`"Authorization: Bearer $(cat ${shellWord(resolved.file ?? API_TOKEN_FILE)})"`),
  };
}

/** a path as one shell word inside double quotes' command substitution */
function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
