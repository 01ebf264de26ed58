/**
 * Tells the trader a semi-auto signal waits for their approval, and when that wait ended unanswered
 * (webhook / Telegram, through the notifier): symbol, stars, size (and what reduced it), the checks
 * in short, the expiry and the dashboard link (the Approvals view).
 * Invariants: one notice per signal and event (the key is the signal id: a receiver dedupes a
 * retry); only an approval's expiry is notified (a signal that waited too long for a broker read is
 * `expired` too, but nobody was asked to approve it); a read that fails is warned, never thrown.
 */
import type { Observable, Subscription } from 'rxjs';
import { etClock } from '../domain/market-time.js';
import type { Notification } from '../domain/notification.js';
import type { SignalRecord } from '../domain/signal.js';
import type { PipelineEvent } from '../control/pipeline/pipeline-runtime.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import { sizeWarnings } from '../core/sizing/size-entry.js';


export function approvalNotice(r: SignalRecord, dashboardUrl: string, at: number): Notification {
  const passed = r.verdicts.filter((v) => v.passed).length;
  const size = r.size ? `$${r.size.notional.toFixed(2)}` : 'no size';
  const adjusted = sizeWarnings(r.size);
  const expires = r.expiresAt === null ? 'no expiry' : `expires ${etClock(r.expiresAt)} ET`;
  const link = `${dashboardUrl.replace(/\/+$/, '')}/#/approvals`;
  return {
    kind: 'approval_pending', severity: 'warning', at, key: `approval_pending:${r.id}`,
    title: `Approve? ${r.input.symbol} ${r.stars ?? '?'}★ ${size}`,
    text: `${r.input.catalystType} tier ${r.input.catalystTier}; checks ${passed}/${r.verdicts.length} passed${adjusted.length ? `; ${adjusted.join('; ')}` : ''}; ${expires}. ${link}`,
    data: {
      signalId: r.id, symbol: r.input.symbol, stars: r.stars, notional: r.size?.notional.toFixed() ?? null, expiresAt: r.expiresAt,
      checks: { passed, total: r.verdicts.length }, adjustments: adjusted, url: link,
    },
  };
}

export function approvalExpiredNotice(r: SignalRecord, at: number): Notification {
  return {
    kind: 'approval_expired', severity: 'info', at, key: `approval_expired:${r.id}`,
    title: `Approval expired: ${r.input.symbol} ${r.stars ?? '?'}★`,
    text: `signal ${r.id} was not approved in time; nothing was bought`,
    data: { signalId: r.id, symbol: r.input.symbol, expiresAt: r.expiresAt },
  };
}

export interface ApprovalNoticeDeps {
  events$: Observable<PipelineEvent>;
  getSignal(id: string): Promise<SignalRecord | null>;
  notifier: NotifierPort;
  /** where the trader reaches the dashboard (KEEL_PUBLIC_URL, else Keel's own address) */
  dashboardUrl(): string;
  now(): number;
  warn(message: string, error?: unknown): void;
}

export function watchApprovals(deps: ApprovalNoticeDeps): Subscription {
  const send = (id: string, build: (r: SignalRecord) => Notification | null) => {
    deps.getSignal(id).then((r) => {
      const n = r ? build(r) : null;
      if (n) deps.notifier.notify(n);
    }, (error: unknown) => deps.warn(`approval notice for signal ${id} failed`, error));
  };
  return deps.events$.subscribe((e) => {
    if (e.type === 'signal' && e.outcome === 'pending') send(e.signalId, (r) => approvalNotice(r, deps.dashboardUrl(), deps.now()));
    if (e.type === 'expired') send(e.signalId, (r) => (r.expiresAt !== null && r.status === 'expired' ? approvalExpiredNotice(r, deps.now()) : null));
  });
}
