/**
 * The logger port over pino: one line per event with level, time (from the injected Clock) and
 * component. KEEL_LOG_FORMAT=json writes pino's JSON lines as they are, for machines; the default
 * 'text' rewrites each into one readable line:
 *   2026-03-02T14:30:00.000Z WARN  broker: journal write failed: connection refused
 * Invariants: every line passes the SecretScrubber after it is fully rendered (message, fields,
 * error and stack alike), so a secret inside an error message is masked too; warn and error go to
 * stderr and info to stdout in both formats (a clean run leaves stderr empty).
 */
import pino from 'pino';
import { toIso } from '../../domain/time.js';
import type { Clock } from '../../ports/clock.port.js';
import type { Logger } from '../../ports/logger.port.js';
import type { SecretScrubber } from './secret-scrubber.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LineSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  format: LogFormat;
  clock: Clock;
  scrubber: SecretScrubber;
  /** default process.stdout / process.stderr */
  out?: LineSink;
  err?: LineSink;
}

const WARN_LEVEL = 40;

export function createLogger(opts: LoggerOptions, component = 'keel'): Logger {
  const out = opts.out ?? process.stdout;
  const err = opts.err ?? process.stderr;
  const sink = {
    write(raw: string): void {
      const line = opts.scrubber.scrub(raw);
      const event = JSON.parse(line) as Record<string, unknown>;
      const target = levelNumber(event.level) >= WARN_LEVEL ? err : out;
      target.write(opts.format === 'json' ? line : `${textLine(event)}\n`);
    },
  };
  const root = pino({
    base: null,
    messageKey: 'msg',
    timestamp: () => `,"time":"${toIso(opts.clock.now())}"`,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  }, sink);
  return wrap(root, component);
}

/** children are made from the root, so a line carries exactly one component */
function wrap(root: pino.Logger, component: string): Logger {
  const log = root.child({ component });
  const problem = (level: 'warn' | 'error') => (message: string, error?: unknown) => {
    if (error === undefined) log[level](message);
    else log[level]({ err: error instanceof Error ? error : new Error(String(error)) }, message);
  };
  return {
    info: (message, fields) => (fields ? log.info(fields, message) : log.info(message)),
    warn: problem('warn'),
    error: problem('error'),
    child: (name) => wrap(root, name),
  };
}

const LEVEL_NUMBERS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

function levelNumber(level: unknown): number {
  return typeof level === 'number' ? level : LEVEL_NUMBERS[String(level)] ?? 30;
}

const SHOWN = new Set(['level', 'time', 'component', 'msg', 'err']);

/** time LEVEL component: message[: error] [key=value …] */
function textLine(event: Record<string, unknown>): string {
  const err = event.err as { message?: unknown } | undefined;
  const fields = Object.entries(event)
    .filter(([key]) => !SHOWN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const level = String(event.level).toUpperCase().padEnd(5);
  return `${String(event.time)} ${level} ${String(event.component)}: ${String(event.msg ?? '')}${err?.message ? `: ${String(err.message)}` : ''}${fields.length ? ` ${fields.join(' ')}` : ''}`;
}
