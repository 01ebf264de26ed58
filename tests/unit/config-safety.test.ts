import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { DEFAULT_SAFETY_SETTINGS } from '../../src/config/safety-settings.js';

const load = (env: Record<string, string>) => loadConfig(env, { cwd: '/srv/keel' });

describe('the safety jobs\' timing from the environment', () => {
  it('defaults to a 5 s watchdog, 30 s staleness, 3 checks, a 5 min health job and 60 s stream gap', () => {
    const r = load({});
    expect(r.ok && r.config.safety).toEqual({ watchdogCheckSec: 5, priceStaleSec: 30, watchdogEscalateAfter: 3, healthCheckMin: 5, streamGapNotifySec: 60 });
    expect(r.ok && r.config.safety).toEqual(DEFAULT_SAFETY_SETTINGS);
  });

  it('reads every variable', () => {
    const r = load({ KEEL_WATCHDOG_CHECK_SEC: '2', KEEL_PRICE_STALE_SEC: '15', KEEL_WATCHDOG_ESCALATE_AFTER: '5', KEEL_HEALTH_CHECK_MIN: '10', KEEL_STREAM_GAP_NOTIFY_SEC: ' 90 ' });
    expect(r.ok && r.config.safety).toEqual({ watchdogCheckSec: 2, priceStaleSec: 15, watchdogEscalateAfter: 5, healthCheckMin: 10, streamGapNotifySec: 90 });
  });

  it('lists every bad value at once, naming the variable, the range and what was given', () => {
    const r = load({ KEEL_WATCHDOG_CHECK_SEC: '0', KEEL_PRICE_STALE_SEC: '2.5', KEEL_WATCHDOG_ESCALATE_AFTER: 'three', KEEL_HEALTH_CHECK_MIN: '61', KEEL_STREAM_GAP_NOTIFY_SEC: '-5' });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toHaveLength(5);
    expect(problems).toEqual([
      expect.stringMatching(/^KEEL_WATCHDOG_CHECK_SEC .*1 to 60 \(got "0"\)/),
      expect.stringMatching(/^KEEL_PRICE_STALE_SEC .*10 to 3600 \(got "2.5"\)/),
      expect.stringMatching(/^KEEL_WATCHDOG_ESCALATE_AFTER .*\(got "three"\)/),
      expect.stringMatching(/^KEEL_HEALTH_CHECK_MIN .*1 to 60 \(got "61"\)/),
      expect.stringMatching(/^KEEL_STREAM_GAP_NOTIFY_SEC .*\(got "-5"\)/),
    ]);
  });

  it('refuses a staleness bound shorter than two watchdog checks', () => {
    const r = load({ KEEL_WATCHDOG_CHECK_SEC: '20', KEEL_PRICE_STALE_SEC: '30' });
    expect(r.ok ? [] : r.problems).toEqual([expect.stringContaining('KEEL_PRICE_STALE_SEC (30) must be at least twice KEEL_WATCHDOG_CHECK_SEC (20)')]);
  });

  it('no longer calls these variables unknown', () => {
    const r = load({ KEEL_PRICE_STALE_SEC: '45' });
    expect(r.ok).toBe(true);
  });
});
