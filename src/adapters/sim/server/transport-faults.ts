/**
 * Scriptable transport faults for the simulated exchange's REST side (docs/design.md §9) and the
 * request log tests assert on. Fault kinds:
 *  - status:  answered with that status, NOT processed by the core;
 *  - timeout: processed by the core, then the response is withheld until the client gives up
 *             (the ambiguous "did my POST land?" case);
 *  - drop:    processed, then the socket is destroyed with no response.
 * The log holds method, path, query and status only — never headers, so never credentials.
 */
import { Subject } from 'rxjs';
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../../ports/clock.port.js';
import type { SimEnv } from './sim-env.js';

export type TransportFault =
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; body?: unknown }
  | { kind: 'timeout' }
  | { kind: 'drop' };

export interface RequestMatch {
  /** case-insensitive; any method when absent */
  method?: string;
  /** exact pathname (no query) or a pattern tested against it; any path when absent */
  path?: string | RegExp;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  query: string;
  /** null when no response was sent (timeout, drop) */
  status: number | null;
  fault: TransportFault['kind'] | null;
}

interface ScriptedFault {
  match: RequestMatch;
  fault: TransportFault;
  remaining: number;
}

const DEFAULT_STATUS_BODIES: Record<number, unknown> = {
  429: { code: 42910000, message: 'rate limit exceeded' },
  500: { code: 50010000, message: 'internal server error' },
  502: { message: 'bad gateway' },
  503: { message: 'service unavailable' },
  504: { message: 'gateway timeout' },
};

function matches(match: RequestMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

export class TransportFaults {
  readonly requests: RequestLogEntry[] = [];
  /** every log entry as it is recorded — await one instead of sleeping */
  readonly requests$ = new Subject<RequestLogEntry>();
  private scripted: ScriptedFault[] = [];

  constructor(private readonly clock: Clock) {}

  /** the next `times` requests matching `match` suffer `fault` (scripts are consumed in order) */
  failNext(match: RequestMatch, fault: TransportFault, times = 1): void {
    this.scripted.push({ match, fault, remaining: times });
  }

  clear(): void {
    this.scripted = [];
    this.requests.length = 0;
  }

  private take(method: string, path: string): TransportFault | null {
    const found = this.scripted.find((s) => matches(s.match, method, path));
    if (!found) return null;
    found.remaining -= 1;
    if (found.remaining <= 0) this.scripted = this.scripted.filter((s) => s !== found);
    return found.fault;
  }

  private record(entry: Omit<RequestLogEntry, 'at'>): void {
    const full = { at: this.clock.now(), ...entry };
    this.requests.push(full);
    this.requests$.next(full);
  }

  /** outermost middleware: applies scripted faults and logs every request */
  middleware(): MiddlewareHandler<SimEnv> {
    return async (c, next) => {
      const method = c.req.method;
      const path = c.req.path;
      const query = new URL(c.req.url).search;
      const fault = this.take(method, path);
      if (fault?.kind === 'status') {
        const body = fault.body ?? DEFAULT_STATUS_BODIES[fault.status];
        this.record({ method, path, query, status: fault.status, fault: 'status' });
        return typeof body === 'string' ? c.text(body, fault.status) : c.json(body, fault.status);
      }
      await next();
      if (!fault) {
        this.record({ method, path, query, status: c.res.status, fault: null });
        return;
      }
      const socket = c.env.incoming.socket;
      this.record({ method, path, query, status: null, fault: fault.kind });
      if (fault.kind === 'drop') {
        socket.destroy();
        return;
      }
      // timeout: keep the connection open and silent until the client (or close()) ends it
      await new Promise<void>((resolve) => {
        if (socket.destroyed) resolve();
        else socket.once('close', () => resolve());
      });
    };
  }
}
