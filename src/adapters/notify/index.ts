/**
 * Composition of the notifiers from config (config.notify): a webhook and/or Telegram behind one
 * fan-out, or nullNotifier when neither is configured. Used by main.ts.
 */
import type { NotifierPort } from '../../ports/notifier.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { DeliveryTuning } from './delivery-queue.js';
import { fanOut, nullNotifier } from './fan-out.notifier.js';
import type { NotifierIoDeps } from './http-post.js';
import type { NotifySettings } from './notify-settings.js';
import { createTelegramNotifier } from './telegram.notifier.js';
import { createWebhookNotifier } from './webhook.notifier.js';

export interface NotifierTuning extends DeliveryTuning {
  timeoutMs?: number;
}

export function createNotifier(settings: NotifySettings, deps: NotifierIoDeps, tuning: NotifierTuning = {}): NotifierPort {
  const notifiers: NotifierPort[] = [];
  if (settings.webhookUrl !== null) notifiers.push(createWebhookNotifier({ ...tuning, url: settings.webhookUrl }, deps));
  if (settings.telegram !== null) notifiers.push(createTelegramNotifier({ ...tuning, ...settings.telegram }, deps));
  return notifiers.length === 0 ? nullNotifier : fanOut(notifiers);
}

/** at shutdown: what is queued is delivered, but a notification still retrying must not hold it for minutes */
export async function drainWithin(notifier: NotifierPort, clock: Clock, ms: number): Promise<void> {
  const abort = new AbortController();
  await Promise.race([notifier.drain(), clock.sleep(ms, abort.signal).catch(() => undefined)]);
  abort.abort();
}

export { BotToken } from './bot-token.js';
export { fanOut, nullNotifier } from './fan-out.notifier.js';
export type { NotifierIoDeps } from './http-post.js';
export type { NotifySettings, TelegramSettings } from './notify-settings.js';
export { createTelegramNotifier } from './telegram.notifier.js';
export { createWebhookNotifier } from './webhook.notifier.js';
