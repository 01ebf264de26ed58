/**
 * A Telegram bot token that cannot leak by accident (same recipe as alpaca/credentials.ts):
 * JSON.stringify, String(), template literals and util.inspect all see "123456:****". The token
 * lives in a #private field, so spreading or Object.keys never reaches it. The part before the
 * colon is the bot's public numeric id, kept visible so an operator can tell two bots apart.
 */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const MASK = '****';

export class BotToken {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** the raw token, for the request URL only */
  value(): string {
    return this.#value;
  }

  /** "123456:****" (or "****" when the token has no bot id) */
  masked(): string {
    const botId = /^(\d+):/.exec(this.#value)?.[1];
    return botId ? `${botId}:${MASK}` : MASK;
  }

  /** the text with every occurrence of the token masked (error messages, URLs) */
  scrub(text: string): string {
    return this.#value.length === 0 ? text : text.split(this.#value).join(this.masked());
  }

  toString(): string {
    return `BotToken(${this.masked()})`;
  }

  toJSON(): string {
    return this.masked();
  }

  [INSPECT](): string {
    return this.toString();
  }
}
