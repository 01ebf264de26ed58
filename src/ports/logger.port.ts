/**
 * CONTRACT: one line per event, with its level, time and the component it came from
 * (http, broker, pipeline, safety, db, …). An adapter decides the format and where lines go;
 * every adapter masks the process's secrets in everything it writes, messages and errors alike.
 */
export interface Logger {
  /** `fields` are structured facts (machine-readable in the JSON format) */
  info(message: string, fields?: Record<string, unknown>): void;
  /** a problem an operator must see that Keel survives (a failed journal write, a broker fault) */
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
  /** the same sink, for another component */
  child(component: string): Logger;
}

/** the `warn` callback most of Keel takes: a component's logger's warn */
export type Warn = (message: string, error?: unknown) => void;

export function warnOf(logger: Logger): Warn {
  return (message, error) => logger.warn(message, error);
}
