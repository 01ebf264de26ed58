/**
 * Runs Keel as a user does — `src/main.ts` in its own Node process — and reads its banner for
 * the URL (the text banner, or the JSON event with KEEL_LOG_FORMAT=json). The API token is taken where a user takes it: KEEL_API_TOKEN, or the token file in
 * KEEL_DATA_DIR (the banner shows it whole only on the start that generated it).
 * Used to prove what survives a restart (a new process on the same database).
 * The process leads its own process group (as a shell job does), so kill() reaches everything it
 * started in that group, the way `kill -9 -<pgid>` does.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface KeelProcess {
  url: string;
  token: string;
  pid: number;
  output(): string;
  /** what it wrote on stderr alone */
  stderr(): string;
  /** GET/POST with the bearer token; parsed JSON and status */
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH', route: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** SIGINT, as Ctrl-C; resolves with the exit code */
  stop(): Promise<number | null>;
  /** SIGKILL to the whole process group; resolves once Keel itself is gone */
  kill(): Promise<void>;
  /** performance.now() when the banner ("listening", "Ctrl-C stops.") was complete */
  readyAt: number;
  /** SIGINT to its whole process group, as a terminal's Ctrl-C does; resolves with the exit code */
  interruptGroup(): Promise<number | null>;
  /** resolves with the first match of `pattern` in what it writes (stdout and stderr) from now or
   *  before; rejects if it exits first or `deadlineMs` of wall time pass (event-driven, no polling) */
  waitForOutput(pattern: RegExp, deadlineMs: number): Promise<RegExpMatchArray>;
  /** resolves with the exit code (null when a signal ended it) */
  exited: Promise<number | null>;
}

/** the complete lines of `text` that parse as JSON objects */
export function jsonEvents(text: string): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n').slice(0, -1)) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) events.push(parsed as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  }
  return events;
}

/**
 * `script`: another entry point that runs Keel the same way (src/cli/demo.ts), with its arguments,
 * and where it keeps its API token when that is not in env's KEEL_DATA_DIR
 */
export async function startKeelProcess(env: Record<string, string>, script: { path: string; args?: string[]; dataDir?: string } = { path: 'src/main.ts' }): Promise<KeelProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', script.path, ...(script.args ?? [])], {
    cwd: ROOT,
    // its own process group, as a shell gives a foreground job: kill() and interruptGroup() reach
    // Keel and everything it started, never the test runner
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); err += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const banner = await new Promise<{ url: string; readyAt: number }>((resolve, reject) => {
    const onData = () => {
      const listening = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (listening && out.includes('Ctrl-C stops.')) {
        child.stdout.off('data', onData);
        resolve({ url: listening, readyAt: performance.now() });
        return;
      }
      // KEEL_LOG_FORMAT=json: the banner is one JSON event carrying the url
      const ready = jsonEvents(out).find((e) => typeof e.url === 'string' && /listening on/.test(String(e.msg)));
      if (ready) {
        child.stdout.off('data', onData);
        resolve({ url: String(ready.url), readyAt: performance.now() });
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`keel exited (${code}) before it was ready:\n${out}`)));
  });

  const token = env.KEEL_API_TOKEN ?? (await readFile(path.join(script.dataDir ?? env.KEEL_DATA_DIR ?? path.join(ROOT, '.keel'), 'api-token'), 'utf8')).trim();
  return {
    ...banner,
    token,
    pid: child.pid!,
    output: () => out,
    stderr: () => err,
    waitForOutput: (pattern, deadlineMs) => new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const found = out.match(pattern);
        if (!found) return false;
        done();
        resolve(found);
        return true;
      };
      const onData = () => { check(); };
      const onExit = () => { done(); reject(new Error(`keel exited before its output matched ${pattern}:\n${out}`)); };
      const timer = setTimeout(() => { done(); reject(new Error(`no output matched ${pattern} within ${deadlineMs} ms:\n${out}`)); }, deadlineMs);
      const done = () => { clearTimeout(timer); child.stdout.off('data', onData); child.stderr.off('data', onData); child.off('exit', onExit); };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', onExit);
      check();
    }),
    exited,
    api: async (method, route, body) => {
      const res = await fetch(`${banner.url}${route}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
    interruptGroup: async () => {
      process.kill(-child.pid!, 'SIGINT');
      return exited;
    },
  };
}

/**
 * POST /api/signals and the signal's decision: the answer when it is the decision; when Keel
 * answered `received` (what it needed to decide — the cached market clock, the account — had to be
 * read from the broker first, as on a loaded machine), the status GET /api/signals/:id shows once
 * decided. `answer` is what the POST said.
 */
export async function postSignal(keel: KeelProcess, body: { id: string } & Record<string, unknown>): Promise<{ answer: string; decided: string }> {
  const posted = await keel.api('POST', '/api/signals', body);
  if (posted.status !== 202) throw new Error(`POST /api/signals answered ${posted.status}: ${JSON.stringify(posted.body)}`);
  const answer = String(posted.body.outcome);
  if (answer !== 'received') return { answer, decided: answer };
  // a received signal is decided within its 60 s window (else it is expired): wait no longer
  return eventually(async () => {
    const { body: signal } = await keel.api('GET', `/api/signals/${body.id}`);
    if (signal.status === 'received') throw new Error(`signal ${body.id} still received`);
    return { answer, decided: String(signal.status) };
  }, { deadlineMs: 60_000 });
}

/**
 * Fires a buy of `symbol` and resolves with its trade once open: a fresh signal id per try, since an
 * entry waits for the trade stream to be live and caught up (a refused try is a decided signal).
 * `extra`: more fields of the signal (e.g. its priceAtSignal).
 */
export async function openPosition(keel: KeelProcess, symbol: string, idPrefix: string, extra: Record<string, unknown> = {}): Promise<{ signalId: string; trade: Record<string, any> }> {
  let n = 0;
  const signalId = await eventually(async () => {
    const id = `${idPrefix}-${++n}`;
    const { body } = await keel.api('POST', '/api/signals', { id, symbol, side: 'buy', catalystType: 'earnings', catalystTier: 1, ...extra });
    if (body.outcome !== 'fired') throw new Error(`signal ${id}: ${JSON.stringify(body)}`);
    return id;
  });
  const tradeId = (await keel.api('GET', `/api/signals/${signalId}`)).body.tradeId as string;
  const trade = await eventually(async () => {
    const { trade: t } = (await keel.api('GET', `/api/trades/${tradeId}`)).body;
    if (t?.status !== 'open') throw new Error(`trade ${t?.status}`);
    return t as Record<string, any>;
  });
  return { signalId, trade };
}
