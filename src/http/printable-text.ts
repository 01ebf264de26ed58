/**
 * The one rule for free text a request carries (signal catalyst and strategy, approval notes, the
 * flatten-cancel reason, strategy names in the config, query strings): printable, well-formed
 * Unicode of bounded length, after trimming. Why: PostgreSQL cannot store a NUL in text or jsonb,
 * nor a lone UTF-16 surrogate in jsonb, and control characters in a journal or a log line only
 * hide what was really sent. Refusing them here answers 400 with the field named, before anything
 * is written.
 */
import { z } from 'zod';

// \p{Cc}: C0 controls (NUL, tab, line breaks, ESC …), DEL and C1 controls. \p{Cs} with the u flag
// matches only a surrogate that is not half of a pair (a pair is one astral code point).
const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;

/** what is wrong with `text`, or null when it is printable, well-formed Unicode */
export function textProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (it contains a lone surrogate)';
  if (CONTROL.test(text)) return 'must be printable: no control characters (NUL, tab, line break, escape …)';
  return null;
}

/** a trimmed string of `min`–`max` characters that textProblem() accepts */
export function printableText(max: number, opts: { min?: number } = {}) {
  return z
    .string()
    .trim()
    .min(opts.min ?? 1)
    .max(max)
    .superRefine((text, ctx) => {
      const problem = textProblem(text);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    });
}
