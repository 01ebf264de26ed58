/**
 * Where Keel talks to Alpaca, and with which keys, from a plain env-like record (the config
 * layer feeds it). Pure: no process.env read here. Every problem is reported at once
 * (docs/design.md §13) instead of failing on the first missing variable.
 * Invariant: paper and live never share keys — a live run reads only the ALPACA_LIVE_* pair.
 */
import type { TradingMode } from '../../ports/broker.port.js';
import { Credentials } from './credentials.js';

export interface AlpacaUrls {
  /** trading REST base, no trailing slash */
  trading: string;
  /** trading host + /stream, ws(s) */
  tradeStream: string;
  /** market data REST base */
  data: string;
  /** market data stock stream, e.g. wss://stream.data.alpaca.markets/v2/iex */
  dataStream: string;
}

export interface ResolvedAlpaca {
  mode: TradingMode;
  urls: AlpacaUrls;
  /** null when a key or secret is missing (see problems) */
  credentials: Credentials | null;
  problems: string[];
}

export const DEFAULT_URLS = {
  paper: 'https://paper-api.alpaca.markets',
  live: 'https://api.alpaca.markets',
  data: 'https://data.alpaca.markets',
  dataStream: 'wss://stream.data.alpaca.markets/v2/iex',
} as const;

export const CREDENTIAL_KEYS = {
  paper: { key: 'ALPACA_API_KEY', secret: 'ALPACA_API_SECRET' },
  live: { key: 'ALPACA_LIVE_API_KEY', secret: 'ALPACA_LIVE_API_SECRET' },
} as const;

type EnvLike = Readonly<Record<string, string | undefined>>;

export function resolveAlpacaUrls(env: EnvLike, mode: TradingMode): ResolvedAlpaca {
  const problems: string[] = [];
  const urls = readAlpacaUrls(env, mode, problems);
  const names = CREDENTIAL_KEYS[mode];
  const key = nonEmpty(env[names.key]);
  const secret = nonEmpty(env[names.secret]);
  if (!key) problems.push(`${names.key} is required for ${mode} trading`);
  if (!secret) problems.push(`${names.secret} is required for ${mode} trading`);
  const credentials = key && secret ? new Credentials(key, secret) : null;
  return { mode, urls, credentials, problems };
}

/** the URLs alone (no credentials), their problems appended to `problems` */
export function readAlpacaUrls(env: EnvLike, mode: TradingMode, problems: string[]): AlpacaUrls {
  const tradingVar = mode === 'paper' ? 'ALPACA_PAPER_URL' : 'ALPACA_LIVE_URL';
  const trading = readUrl(env, tradingVar, DEFAULT_URLS[mode], ['http:', 'https:'], problems);
  const data = readUrl(env, 'ALPACA_DATA_URL', DEFAULT_URLS.data, ['http:', 'https:'], problems);
  const dataStream = readUrl(env, 'ALPACA_DATA_STREAM_URL', DEFAULT_URLS.dataStream, ['ws:', 'wss:'], problems);
  return { trading, tradeStream: toStreamUrl(trading), data, dataStream };
}

/** https://host/base → wss://host/base/stream (http → ws for loopback and the simulator) */
export function toStreamUrl(tradingBase: string): string {
  return `${tradingBase.replace(/^http(s?):/i, 'ws$1:')}/stream`;
}

function readUrl(env: EnvLike, name: string, fallback: string, protocols: string[], problems: string[]): string {
  const raw = nonEmpty(env[name]) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    problems.push(`${name} is not a URL: ${JSON.stringify(raw)}`);
    return fallback.replace(/\/+$/, '');
  }
  if (!protocols.includes(parsed.protocol)) {
    problems.push(`${name} must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
  }
  return raw.trim().replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
