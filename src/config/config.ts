/**
 * Keel's process configuration, read once from an env-like record at start (docs/design.md §13).
 * Invariants:
 *  - every problem is reported at once (a trader fixes them in one go, not one per restart);
 *  - unknown KEEL_* variables are problems (a typo like KEEL_DATADIR must not silently fall back);
 *  - Alpaca key pairs are both-or-neither; no paper pair means "use the simulated exchange";
 *  - the Telegram bot token and chat id are both-or-neither; a problem never echoes a token or a
 *    webhook URL (its path may be the secret);
 *  - the result is deeply frozen, and secrets are reachable only through Credentials / BotToken /
 *    apiToken, never through redact().
 * Alpaca URL rules are urls.ts's (resolveAlpacaUrls); this module does not re-implement them.
 */
import path from 'node:path';
import { Credentials } from '../adapters/alpaca/credentials.js';
import { CREDENTIAL_KEYS, readAlpacaUrls, type ResolvedAlpaca } from '../adapters/alpaca/urls.js';
import { LOG_FORMATS, type LogFormat } from '../adapters/log/pino.logger.js';
import { BotToken } from '../adapters/notify/bot-token.js';
import { DEFAULT_TELEGRAM_API_URL, type NotifySettings, type TelegramSettings } from '../adapters/notify/notify-settings.js';
import type { TradingMode } from '../ports/broker.port.js';
import type { KeelConfig } from './config.types.js';
import { readSafetySettings, SAFETY_VARIABLES } from './safety-settings.js';

export type { KeelConfig } from './config.types.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type ConfigResult = { ok: true; config: KeelConfig } | { ok: false; problems: string[] };

export const KNOWN_KEEL_VARIABLES: readonly string[] = [
  'KEEL_DATA_DIR', 'KEEL_API_TOKEN', 'KEEL_LOG_FORMAT',
  'KEEL_WEBHOOK_URL', 'KEEL_TELEGRAM_BOT_TOKEN', 'KEEL_TELEGRAM_CHAT_ID', 'KEEL_TELEGRAM_API_URL', 'KEEL_PUBLIC_URL',
  ...SAFETY_VARIABLES,
];
/** variables an earlier Keel read, with what replaced them */
const RETIRED_KEEL_VARIABLES: Record<string, string> = {
  KEEL_MODE: 'KEEL_MODE is no longer read: the trading mode is persisted; change it with PUT /api/bot/mode',
};
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './.keel';
export const MIN_API_TOKEN_LENGTH = 16;


export function loadConfig(env: Env, opts: { cwd?: string } = {}): ConfigResult {
  const problems: string[] = [];
  const port = readPort(env.PORT, problems);
  const host = text(env.HOST) ?? DEFAULT_HOST;
  const databaseUrl = readDatabaseUrl(env.DATABASE_URL, problems);
  const dataDir = path.resolve(opts.cwd ?? process.cwd(), text(env.KEEL_DATA_DIR) ?? DEFAULT_DATA_DIR);
  const apiToken = readApiToken(env.KEEL_API_TOKEN, problems);
  const paper = readAlpaca(env, 'paper', problems);
  const live = readAlpaca(env, 'live', problems);
  const notify = readNotify(env, problems);
  const publicUrl = readHttpUrl('KEEL_PUBLIC_URL', env.KEEL_PUBLIC_URL, problems);
  const safety = readSafetySettings(env, problems);
  const logFormat = readLogFormat(env.KEEL_LOG_FORMAT, problems);
  problems.push(...unknownKeelVariables(env));
  if (problems.length > 0) return { ok: false, problems: [...new Set(problems)] };
  return {
    ok: true,
    config: deepFreeze({ port, host, databaseUrl, dataDir, apiToken, alpaca: { paper, live, useSimulator: paper === null }, notify, publicUrl, safety, logFormat }),
  };
}

function readPort(raw: string | undefined, problems: string[]): number {
  const value = text(raw);
  if (value === null) return DEFAULT_PORT;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(value)})`);
    return DEFAULT_PORT;
  }
  return port;
}

function readDatabaseUrl(raw: string | undefined, problems: string[]): string | null {
  const value = text(raw);
  if (value === null) return null;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // the value may hold a password: never echo it
    problems.push('DATABASE_URL is not a URL (expected postgres://user:password@host:5432/db)');
    return null;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(`DATABASE_URL must start with postgres:// or postgresql:// (got ${url.protocol}//)`);
  }
  return value;
}

function readLogFormat(raw: string | undefined, problems: string[]): LogFormat {
  const value = text(raw);
  if (value === null) return 'text';
  const format = LOG_FORMATS.find((f) => f === value.toLowerCase());
  if (!format) problems.push(`KEEL_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got ${JSON.stringify(value)})`);
  return format ?? 'text';
}

function readApiToken(raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined || raw === '') return null;
  const value = raw.trim();
  if (value.length < MIN_API_TOKEN_LENGTH) {
    problems.push(`KEEL_API_TOKEN must be at least ${MIN_API_TOKEN_LENGTH} characters (got ${value.length})`);
  }
  return value;
}

/** URLs checked by the adapter's own rules; keys are both-or-neither (neither = no such mode here). */
function readAlpaca(env: Env, mode: TradingMode, problems: string[]): ResolvedAlpaca | null {
  const names = CREDENTIAL_KEYS[mode];
  const urls = readAlpacaUrls(env, mode, problems);
  const key = text(env[names.key]);
  const secret = text(env[names.secret]);
  if ((key === null) !== (secret === null)) {
    const [set, missing] = key !== null ? [names.key, names.secret] : [names.secret, names.key];
    problems.push(`${set} is set but ${missing} is not: set both or neither`);
  }
  if (key === null || secret === null) return null;
  return { mode, urls, credentials: new Credentials(key, secret), problems: [] };
}

function readNotify(env: Env, problems: string[]): NotifySettings {
  const webhookUrl = readHttpUrl('KEEL_WEBHOOK_URL', env.KEEL_WEBHOOK_URL, problems);
  return { webhookUrl, telegram: readTelegram(env, problems) };
}

/** Token and chat id both-or-neither; the API URL only makes sense with them. */
function readTelegram(env: Env, problems: string[]): TelegramSettings | null {
  const token = text(env.KEEL_TELEGRAM_BOT_TOKEN);
  const chatId = text(env.KEEL_TELEGRAM_CHAT_ID);
  const apiUrl = readHttpUrl('KEEL_TELEGRAM_API_URL', env.KEEL_TELEGRAM_API_URL, problems);
  if ((token === null) !== (chatId === null)) {
    const [set, missing] = token !== null ? ['KEEL_TELEGRAM_BOT_TOKEN', 'KEEL_TELEGRAM_CHAT_ID'] : ['KEEL_TELEGRAM_CHAT_ID', 'KEEL_TELEGRAM_BOT_TOKEN'];
    problems.push(`${set} is set but ${missing} is not: set both or neither`);
  }
  if (apiUrl !== null && token === null && chatId === null) {
    problems.push('KEEL_TELEGRAM_API_URL is set but KEEL_TELEGRAM_BOT_TOKEN and KEEL_TELEGRAM_CHAT_ID are not');
  }
  if (token === null || chatId === null) return null;
  // never echo the token: a typo'd token is still most of a secret
  if (!/^\d+:[\w-]+$/.test(token)) problems.push('KEEL_TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456789:AA…, as BotFather prints it)');
  if (!/^(-?\d+|@\w+)$/.test(chatId)) problems.push(`KEEL_TELEGRAM_CHAT_ID must be a numeric chat id or @channelname (got ${JSON.stringify(chatId)})`);
  return { chatId, apiUrl: (apiUrl ?? DEFAULT_TELEGRAM_API_URL).replace(/\/+$/, ''), token: new BotToken(token) };
}

/** An http(s) URL. Problems name only the scheme: the path or query may be the secret. */
function readHttpUrl(name: string, raw: string | undefined, problems: string[]): string | null {
  const value = text(raw);
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name} is not a URL (expected https://host/path)`);
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${name} must start with http:// or https:// (got ${url.protocol}//)`);
  } else if (url.username || url.password) {
    problems.push(`${name} must not carry user:password@ (fetch refuses it): put the secret in the path or query`);
  }
  return value;
}

function unknownKeelVariables(env: Env): string[] {
  const known: readonly string[] = KNOWN_KEEL_VARIABLES;
  return Object.keys(env)
    .filter((name) => name.startsWith('KEEL_') && !known.includes(name) && env[name] !== undefined)
    .sort()
    .map((name) => RETIRED_KEEL_VARIABLES[name] ?? `${name} is not a Keel setting (known: ${KNOWN_KEEL_VARIABLES.join(', ')})`);
}

function text(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export { redact, type RedactedConfig } from './redact.js';
