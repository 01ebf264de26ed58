/**
 * Telegram Bot API: POST {apiUrl}/bot{token}/sendMessage with { chat_id, text,
 * disable_web_page_preview } through the shared DeliveryQueue. Plain text (no parse_mode), so a
 * symbol like "BRK_B" or a "-$3.50" needs no escaping and cannot make Telegram reject the message.
 * Invariants: the token is in the URL, so every message is scrubbed by BotToken; a flood answer
 * ({ ok: false, error_code: 429, parameters: { retry_after } }) waits retry_after seconds;
 * 408 / 429 / 5xx / network errors retry; other errors (bad chat, revoked token) give up at once.
 */
import type { Notification, NotificationSeverity } from '../../domain/notification.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import type { BotToken } from './bot-token.js';
import { DeliveryQueue, type Attempt, type DeliveryTuning } from './delivery-queue.js';
import { DEFAULT_TIMEOUT_MS, isAnswer, isRetryableStatus, fetchOf, postJson, retryAfterMs, type NotifierIoDeps, type PostAnswer } from './http-post.js';
import { DEFAULT_TELEGRAM_API_URL } from './notify-settings.js';

export interface TelegramOptions extends DeliveryTuning {
  token: BotToken;
  chatId: string;
  /** default https://api.telegram.org */
  apiUrl?: string;
  /** per request; default 5 s */
  timeoutMs?: number;
}

/** Telegram refuses longer messages */
export const TELEGRAM_MAX_TEXT = 4096;

const SEVERITY_TAG: Record<NotificationSeverity, string> = {
  info: 'ℹ️ [INFO]',
  warning: '⚠️ [WARNING]',
  critical: '🚨 [CRITICAL]',
};

/** "🚨 [CRITICAL] Halted: daily loss limit\n<text>", cut to Telegram's limit */
export function telegramText(notification: Notification): string {
  const full = `${SEVERITY_TAG[notification.severity]} ${notification.title}\n${notification.text}`;
  if (full.length <= TELEGRAM_MAX_TEXT) return full;
  let cut = TELEGRAM_MAX_TEXT - 1;
  if (/[\uD800-\uDBFF]/.test(full.charAt(cut - 1))) cut--; // never split a surrogate pair (emoji)
  return `${full.slice(0, cut)}…`;
}

export function createTelegramNotifier(options: TelegramOptions, deps: NotifierIoDeps): NotifierPort {
  const apiUrl = (options.apiUrl ?? DEFAULT_TELEGRAM_API_URL).replace(/\/+$/, '');
  const url = `${apiUrl}/bot${options.token.value()}/sendMessage`;
  const fetchFn = fetchOf(deps);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const send = async (notification: Notification): Promise<Attempt> => {
    const body = { chat_id: options.chatId, text: telegramText(notification), disable_web_page_preview: true };
    const result = await postJson({ fetch: fetchFn, url, body, timeoutMs });
    return isAnswer(result) ? classify(result, deps.clock.now()) : result;
  };

  const scrub = (text: string) => options.token.scrub(text);
  return new DeliveryQueue({ label: `telegram ${new URL(apiUrl).origin} chat ${options.chatId}`, send, scrub }, deps, options);
}

interface TelegramAnswer {
  ok?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

function classify(answer: PostAnswer, now: number): Attempt {
  const body = parseAnswer(answer.text);
  if (answer.status >= 200 && answer.status <= 299 && body?.ok !== false) return { outcome: 'sent' };
  const code = typeof body?.error_code === 'number' ? body.error_code : answer.status;
  const reason = describe(answer.status, body);
  if (!isRetryableStatus(code) && !isRetryableStatus(answer.status)) return { outcome: 'give_up', reason };
  const retryAfter = body?.parameters?.retry_after;
  const wait = typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter * 1000 : retryAfterMs(answer.headers, now);
  return { outcome: 'retry', reason, retryAfterMs: wait };
}

function describe(status: number, body: TelegramAnswer | null): string {
  const text = typeof body?.description === 'string' ? `: ${body.description}` : '';
  const migrated = body?.parameters?.migrate_to_chat_id;
  const hint = migrated !== undefined ? ` (the group became a supergroup: set KEEL_TELEGRAM_CHAT_ID=${String(migrated)})` : '';
  return `answered HTTP ${status}${text}${hint}`;
}

function parseAnswer(text: string): TelegramAnswer | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as TelegramAnswer) : null;
  } catch {
    return null;
  }
}
