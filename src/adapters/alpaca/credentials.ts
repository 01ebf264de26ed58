/**
 * An Alpaca key pair whose secret cannot leak by accident: JSON.stringify, String(), template
 * literals and util.inspect (console.log, pino, vitest diffs) all see a masked form. The secret
 * lives in a #private field, so spreading or Object.keys never reaches it either.
 */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Shows the first four characters of the key id (enough to tell paper "PK…" from live "AK…"). */
export function maskKeyId(keyId: string): string {
  return keyId.length <= 4 ? '****' : `${keyId.slice(0, 4)}****`;
}

export class Credentials {
  readonly #keyId: string;
  readonly #secret: string;

  constructor(keyId: string, secret: string) {
    this.#keyId = keyId;
    this.#secret = secret;
  }

  /** the raw key id, for request headers only */
  keyId(): string {
    return this.#keyId;
  }

  /** the raw secret, for request headers and stream auth only */
  secret(): string {
    return this.#secret;
  }

  /** true when `text` contains the secret (used to scrub error messages before they escape) */
  appearsIn(text: string): boolean {
    return this.#secret.length > 0 && text.includes(this.#secret);
  }

  toString(): string {
    return `Credentials(${maskKeyId(this.#keyId)}, secret ****)`;
  }

  toJSON(): { keyId: string; secret: string } {
    return { keyId: maskKeyId(this.#keyId), secret: '****' };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
