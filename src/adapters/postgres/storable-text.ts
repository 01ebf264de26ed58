/**
 * What PostgreSQL cannot store, made storable: a NUL character (refused in text and in jsonb) and a
 * lone UTF-16 surrogate (refused in jsonb; in text the driver would turn it into U+FFFD anyway)
 * become U+FFFD, the Unicode replacement character. Requests are refused at the HTTP edge for such
 * text; this is for what arrives from elsewhere (the broker's order fields and error messages, a
 * peer's reason) and is journaled: an audit entry with one replaced character beats a lost entry
 * and a failed write in the middle of handling a fill.
 */

const UNSTORABLE = /\u0000|\p{Cs}/gu;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

export function storableTextOrNull(text: string | null): string | null {
  return text === null ? null : storableText(text);
}

// JSON.stringify writes a NUL as \u0000 and a lone surrogate as a \udXXX escape (a paired one is
// written as the character itself), in keys and values alike; an even run of backslashes before
// the `u` is an escaped backslash followed by ordinary text.
const UNSTORABLE_ESCAPE = /(\\+)u(0000|d[89a-f][0-9a-f]{2})/g;

/** JSON text (from JSON.stringify) that a jsonb column accepts */
export function storableJson(json: string): string {
  return json.replace(UNSTORABLE_ESCAPE, (escape, slashes: string) =>
    slashes.length % 2 === 1 ? `${slashes.slice(1)}\\ufffd` : escape);
}
