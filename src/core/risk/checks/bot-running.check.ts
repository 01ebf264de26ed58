/** Only a running bot enters: paused reduces only, halted and stopped do nothing new (docs/design.md §3). */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const botRunningCheck: EntryCheck = {
  name: 'bot-running',
  check: ({ botState }) =>
    botState === 'running' ? null : deny('BOT_NOT_RUNNING', `bot is ${botState}, not running: no new entries`, { state: botState }),
};
