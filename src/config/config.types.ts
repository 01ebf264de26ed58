/** The validated, frozen process configuration (built by loadConfig in config.ts). */
import type { ResolvedAlpaca } from '../adapters/alpaca/urls.js';
import type { LogFormat } from '../adapters/log/pino.logger.js';
import type { NotifySettings } from '../adapters/notify/notify-settings.js';
import type { SafetySettings } from './safety-settings.js';

export interface KeelConfig {
  port: number;
  host: string;
  /** null = start the embedded PostgreSQL under dataDir */
  databaseUrl: string | null;
  /** absolute */
  dataDir: string;
  /** null = resolveApiToken reads or generates one under dataDir */
  apiToken: string | null;
  alpaca: {
    /** null when no paper key pair is set: the simulated exchange runs in-process instead */
    paper: ResolvedAlpaca | null;
    /** null when no live key pair is set: live mode is refused */
    live: ResolvedAlpaca | null;
    useSimulator: boolean;
  };
  /** where notifications go; both null = nowhere (nullNotifier) */
  notify: NotifySettings;
  /** the safety jobs' timing (KEEL_WATCHDOG_*, KEEL_PRICE_STALE_SEC, KEEL_HEALTH_CHECK_MIN, KEEL_STREAM_GAP_NOTIFY_SEC) */
  safety: SafetySettings;
  /** KEEL_PUBLIC_URL: how the trader reaches the dashboard (links in notifications); null = Keel's own http://HOST:PORT */
  publicUrl: string | null;
  /** KEEL_LOG_FORMAT: 'text' (default, readable) or 'json' (one JSON object a line) */
  logFormat: LogFormat;
}
