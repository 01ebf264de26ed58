/**
 * The signals a backtest replays, read from JSON Lines: each line is the body of `POST /api/signals`
 * plus `"at"`, the time it arrives (RFC 3339). Each body is checked as the route checks it (the
 * same schema), so a file the route would refuse is refused here, before any run, with every
 * problem by line; the runner then posts the body itself at its time, through the real route.
 * Invariants: bad input changes nothing and lists every problem (capped by lib/problem-list.ts, then how
 * many more); an `id`, when given, appears once; the signals come back in time order (a tie keeps
 * the file's order).
 */
import type { SignalInput } from '../../domain/signal.js';
import { parseTimestamp } from '../../domain/time.js';
import { signalInputSchema } from '../../http/signal.schema.js';
import { shownProblems } from '../../lib/problem-list.js';


export interface TimedSignal {
  /** epoch ms the signal arrives */
  at: number;
  /** what is posted to /api/signals (the line without `at`) */
  body: Record<string, unknown>;
  /** the body as the route reads it */
  input: SignalInput;
  line: number;
}

export type SignalsRead = { ok: true; signals: TimedSignal[] } | { ok: false; problems: string[] };

export function parseSignalsText(text: string): SignalsRead {
  const problems: string[] = [];
  const signals: TimedSignal[] = [];
  const ids = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`line ${line}: not JSON`);
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`line ${line}: not a JSON object`);
      return;
    }
    const { at: atText, ...body } = value as Record<string, unknown>;
    const at = typeof atText === 'string' && atText.includes('T') ? parseTimestamp(atText) : null;
    if (at === null) problems.push(`line ${line}: at must be the RFC 3339 time the signal arrives (got ${JSON.stringify(atText ?? null)})`);
    const parsed = signalInputSchema.safeParse(body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`line ${line}: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
      return;
    }
    const id = parsed.data.id;
    if (id !== null) {
      const first = ids.get(id);
      if (first !== undefined) problems.push(`line ${line}: id ${id} is already on line ${first} (a repeated id is one signal)`);
      else ids.set(id, line);
    }
    if (at !== null) signals.push({ at, body, input: parsed.data, line });
  });
  if (problems.length === 0 && signals.length === 0) problems.push('no signals: the file has no lines');
  if (problems.length > 0) {
    return { ok: false, problems: shownProblems(problems) };
  }
  signals.sort((a, b) => a.at - b.at || a.line - b.line);
  return { ok: true, signals };
}
