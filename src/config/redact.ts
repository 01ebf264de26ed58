/**
 * A printable copy of KeelConfig for logs and the startup banner.
 * Invariant: the API token, Alpaca secrets, the database password, the Telegram bot token and the
 * webhook URL's path and query never appear in the output; key ids are masked the way Credentials
 * masks them (first four characters), the bot token the way BotToken masks it (bot id only).
 */
import { maskKeyId } from '../adapters/alpaca/credentials.js';
import type { ResolvedAlpaca } from '../adapters/alpaca/urls.js';
import type { KeelConfig } from './config.types.js';

const MASK = '****';

export interface RedactedAlpaca {
  urls: ResolvedAlpaca['urls'];
  keyId: string;
  secret: typeof MASK;
}

export interface RedactedConfig {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  apiToken: typeof MASK | null;
  alpaca: { paper: RedactedAlpaca | null; live: RedactedAlpaca | null; useSimulator: boolean };
  notify: {
    /** origin only, e.g. "https://hooks.slack.com" */
    webhookUrl: string | null;
    telegram: { chatId: string; apiUrl: string; token: string } | null;
  };
  /** timings, no secrets */
  safety: KeelConfig['safety'];
}

export function redact(config: KeelConfig): RedactedConfig {
  return {
    port: config.port,
    host: config.host,
    databaseUrl: config.databaseUrl === null ? null : maskDatabasePassword(config.databaseUrl),
    dataDir: config.dataDir,
    apiToken: config.apiToken === null ? null : MASK,
    alpaca: {
      paper: redactAlpaca(config.alpaca.paper),
      live: redactAlpaca(config.alpaca.live),
      useSimulator: config.alpaca.useSimulator,
    },
    notify: {
      webhookUrl: config.notify.webhookUrl === null ? null : originOnly(config.notify.webhookUrl),
      telegram: config.notify.telegram === null ? null : {
        chatId: config.notify.telegram.chatId,
        apiUrl: originOnly(config.notify.telegram.apiUrl),
        token: config.notify.telegram.token.masked(),
      },
    },
    safety: { ...config.safety },
  };
}

/** the path and query of a webhook URL are often its secret (Slack, Discord) */
function originOnly(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return MASK;
  }
}

function redactAlpaca(resolved: ResolvedAlpaca | null): RedactedAlpaca | null {
  if (!resolved?.credentials) return null;
  return { urls: { ...resolved.urls }, keyId: maskKeyId(resolved.credentials.keyId()), secret: MASK };
}

/** postgres://user:secret@host/db → postgres://user:****@host/db (the config already checked it parses) */
function maskDatabasePassword(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = MASK;
    return url.toString();
  } catch {
    return MASK;
  }
}
