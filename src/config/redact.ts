/**
 * A printable copy of KeelConfig for logs and the startup banner.
 * Invariant: the API token, Alpaca secrets and the database password never appear in the output;
 * key ids are masked the way Credentials masks them (first four characters).
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
  };
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
