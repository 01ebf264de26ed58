/**
 * Chromium for the browser tests, from npm: @sparticuz/chromium ships a Brotli-packed Chromium and
 * playwright-core drives it. Nothing is downloaded at run time; Debian's /usr/bin/chromium is the
 * fallback where the packed binary cannot start, and `launched.browser` says which one ran.
 * The packed binary is unpacked once per checkout into node_modules/.cache/keel-chromium-<version>
 * — not a shared /tmp path: another user's directory there is unreadable to us, and a binary at a
 * predictable /tmp path could be planted by anyone — and not where the package would put it (the
 * shared tmpdir, where a second process asking meanwhile gets a half-written file): each process
 * unpacks into its own fresh directory beside it and renames it into place, so a reader finds a
 * whole one or none. Nothing reads $HOME.
 * The flags keep the browser off the network (no component updates, sync, QUIC or background
 * fetches) and take out the packaged flags that would weaken what the tests check (web security).
 * The packed build runs --single-process: use one page per browser (a second page may never load).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import packed from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

const OFFLINE_FLAGS = [
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic', '--no-sandbox', '--disable-default-apps', '--disable-extensions',
];
/** serverless conveniences of the package that would hide what a real browser enforces */
const DROPPED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);
const FALLBACK = '/usr/bin/chromium';

export interface LaunchedBrowser {
  browser: Browser;
  /** which binary ran: '@sparticuz/chromium <version>' or the fallback's path */
  which: string;
}

export async function launchBrowser(): Promise<LaunchedBrowser> {
  const args = [...packed.args.filter((a) => !DROPPED.has(a)), ...OFFLINE_FLAGS];
  let packedError: unknown;
  try {
    const executablePath = await unpackedChromium();
    const browser = await chromium.launch({ executablePath, args, headless: true });
    return { browser, which: `@sparticuz/chromium ${packageVersion()} (${executablePath})` };
  } catch (error) {
    packedError = error;
  }
  if (!existsSync(FALLBACK)) throw new Error(`the packed Chromium did not start and ${FALLBACK} is not installed: ${String(packedError)}`);
  const browser = await chromium.launch({ executablePath: FALLBACK, args: OFFLINE_FLAGS, headless: true });
  return { browser, which: `${FALLBACK} (the packed Chromium did not start: ${String(packedError).split('\n')[0]})` };
}

async function unpackedChromium(): Promise<string> {
  const base = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/.cache');
  await mkdir(base, { recursive: true });
  const home = path.join(base, `keel-chromium-${packageVersion()}`);
  const binary = path.join(home, 'chromium');
  if (existsSync(binary)) return binary;
  const staging = await mkdtemp(path.join(base, 'keel-chromium-unpack-'));
  const saved = process.env.TMPDIR;
  // the package unpacks into os.tmpdir(), which follows TMPDIR: point it at the private directory
  process.env.TMPDIR = staging;
  try {
    await packed.executablePath();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    await rename(staging, home);
  } catch (error) {
    // another process renamed its copy first: use that one
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}

/** the package's version (its exports hide package.json: found beside its entry point) */
function packageVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium'));
  while (!existsSync(path.join(dir, 'package.json')) || !readFileSync(path.join(dir, 'package.json'), 'utf8').includes('"@sparticuz/chromium"')) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('@sparticuz/chromium: package.json not found');
    dir = up;
  }
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}
