/**
 * The secret VALUES of a configuration, each with the mask that replaces it wherever it would be
 * written (the logger's scrubber). redact.ts builds a printable copy of the config; this lists what
 * must never be printed at all: the API token, the Alpaca key pairs, the database password, the
 * webhook URL (its path and query are often the secret) and the Telegram bot token.
 */
import { maskKeyId } from '../adapters/alpaca/credentials.js';
import type { ResolvedAlpaca } from '../adapters/alpaca/urls.js';
import type { KeelConfig } from './config.types.js';

const MASK = '****';

export interface SecretValue {
  value: string;
  mask: string;
}

export function secretValues(config: KeelConfig): SecretValue[] {
  const secrets: SecretValue[] = [];
  if (config.apiToken) secrets.push({ value: config.apiToken, mask: MASK });
  for (const alpaca of [config.alpaca.paper, config.alpaca.live]) secrets.push(...alpacaSecrets(alpaca));
  if (config.databaseUrl) secrets.push(...databasePassword(config.databaseUrl));
  if (config.notify.webhookUrl) secrets.push(...webhookSecrets(config.notify.webhookUrl));
  const telegram = config.notify.telegram;
  if (telegram) {
    const token = telegram.token.value();
    secrets.push({ value: token, mask: telegram.token.masked() });
    // the part after the bot id is the secret on its own
    const colon = token.indexOf(':');
    if (colon >= 0) secrets.push({ value: token.slice(colon + 1), mask: MASK });
  }
  return secrets;
}

function alpacaSecrets(resolved: ResolvedAlpaca | null): SecretValue[] {
  const credentials = resolved?.credentials;
  if (!credentials) return [];
  return [
    { value: credentials.secret(), mask: MASK },
    { value: credentials.keyId(), mask: maskKeyId(credentials.keyId()) },
  ];
}

function databasePassword(raw: string): SecretValue[] {
  try {
    const password = new URL(raw).password;
    if (!password) return [];
    return [{ value: password, mask: MASK }, { value: safeDecode(password), mask: MASK }];
  } catch {
    return [];
  }
}

/** the whole URL, and its path and query on their own (a log may show a request path alone) */
function webhookSecrets(raw: string): SecretValue[] {
  const secrets: SecretValue[] = [{ value: raw, mask: MASK }];
  try {
    const url = new URL(raw);
    secrets[0] = { value: raw, mask: `${url.origin}/${MASK}` };
    const rest = `${url.pathname}${url.search}`;
    if (rest.length > 1) secrets.push({ value: rest, mask: `/${MASK}` });
    // either half may be logged alone (a path in a request line, a query value in an error)
    if (url.pathname.length > 1) secrets.push({ value: url.pathname, mask: `/${MASK}` });
    for (const part of url.search.slice(1).split('&')) {
      const value = part.slice(part.indexOf('=') + 1);
      if (value) secrets.push({ value, mask: MASK }, { value: safeDecode(value), mask: MASK });
    }
  } catch {
    // not a URL: the whole value is masked
  }
  return secrets;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
