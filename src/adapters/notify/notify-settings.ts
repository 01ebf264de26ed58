/** Where notifications go, as read from the environment by src/config/config.ts. */
import type { BotToken } from './bot-token.js';

export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';

export interface TelegramSettings {
  /** numeric chat id (groups are negative) or @channelname */
  chatId: string;
  /** Bot API base URL without a trailing slash */
  apiUrl: string;
  token: BotToken;
}

export interface NotifySettings {
  /** http(s) URL; its path and query may hold a secret (redact() shows the origin only) */
  webhookUrl: string | null;
  telegram: TelegramSettings | null;
}
