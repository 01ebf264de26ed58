/**
 * Masks known secret values in text about to leave the process (log lines, in either format).
 * Every form a secret takes in a line is masked: as is, percent-encoded (inside a URL) and
 * JSON-escaped (inside a JSON string). Longer secrets are replaced first, so a secret that
 * contains another is masked whole.
 * Values shorter than MIN_SECRET_LENGTH are not looked for: masking every "pw" in every line
 * would garble the log without hiding anything worth a search.
 */
export const MIN_SECRET_LENGTH = 4;

export interface Secret {
  value: string;
  /** what replaces it, e.g. "****" or "123456:****" (a bot token keeps its public bot id) */
  mask: string;
}

export class SecretScrubber {
  private forms: Array<{ text: string; mask: string }> = [];

  constructor(secrets: readonly Secret[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: Secret): void {
    if (secret.value.length < MIN_SECRET_LENGTH) return;
    const variants = new Set([secret.value, encodeURIComponent(secret.value), JSON.stringify(secret.value).slice(1, -1)]);
    for (const text of variants) if (!this.forms.some((f) => f.text === text)) this.forms.push({ text, mask: secret.mask });
    this.forms.sort((a, b) => b.text.length - a.text.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const form of this.forms) if (out.includes(form.text)) out = out.split(form.text).join(form.mask);
    return out;
  }
}
