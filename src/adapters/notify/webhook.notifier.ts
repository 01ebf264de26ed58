/**
 * Generic webhook: each Notification is POSTed as JSON (the notification itself plus
 * `source: "keel"`) to one configured URL, through the shared DeliveryQueue.
 * Invariants: 2xx = sent; network errors, timeouts, 408, 429 (Retry-After honoured) and 5xx are
 * retried; any other answer (3xx included: redirects are not followed) is given up at once.
 * The URL's path and query may carry a secret (Slack, Discord and most relays put the token
 * there), so messages name the target by its origin only and scrub the rest.
 */
import type { Notification } from '../../domain/notification.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import { DeliveryQueue, type Attempt, type DeliveryTuning } from './delivery-queue.js';
import { DEFAULT_TIMEOUT_MS, isAnswer, isRetryableStatus, fetchOf, postJson, retryAfterMs, type NotifierIoDeps } from './http-post.js';

export interface WebhookOptions extends DeliveryTuning {
  url: string;
  /** per request; default 5 s */
  timeoutMs?: number;
}

export type WebhookBody = Notification & { source: 'keel' };

export function createWebhookNotifier(options: WebhookOptions, deps: NotifierIoDeps): NotifierPort {
  const url = new URL(options.url);
  const fetchFn = fetchOf(deps);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const send = async (notification: Notification): Promise<Attempt> => {
    const body: WebhookBody = { ...notification, source: 'keel' };
    const result = await postJson({ fetch: fetchFn, url: url.href, body, timeoutMs });
    if (!isAnswer(result)) return result;
    if (result.status >= 200 && result.status <= 299) return { outcome: 'sent' };
    const reason = `answered HTTP ${result.status}`;
    if (!isRetryableStatus(result.status)) return { outcome: 'give_up', reason };
    const wait = result.status === 429 ? retryAfterMs(result.headers, deps.clock.now()) : null;
    return { outcome: 'retry', reason, retryAfterMs: wait };
  };

  return new DeliveryQueue({ label: `webhook ${url.origin}`, send, scrub: urlScrubber(options.url) }, deps, options);
}

/** Replaces the URL (whole, or its path / query alone) in a text by its origin / a mask. */
export function urlScrubber(raw: string): (text: string) => string {
  const url = new URL(raw);
  const masked: Array<[string, string]> = [
    [raw, url.origin],
    [url.href, url.origin],
    [`${url.pathname}${url.search}`, '/****'],
    [url.pathname, '/****'],
    [url.search, '?****'],
  ];
  const pairs = masked.filter(([secret]) => secret.length > 1).sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((out, [secret, replacement]) => out.split(secret).join(replacement), text);
}
