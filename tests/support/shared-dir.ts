/** Where the shared Alpaca reference material lives (read-only), and fixture loading. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const SHARED_DIR = process.env.KEEL_SHARED_DIR ?? path.resolve(REPO_ROOT, '../shared');

export const FIXTURES_DIR = path.join(SHARED_DIR, 'alpaca', 'fixtures');

/** `name` relative to fixtures/, e.g. 'order-filled.json' or 'synthesized/trade-update-new.json' */
export function loadFixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as unknown;
}

/** every *.json fixture, top level and synthesized/, as names loadFixture accepts */
export function listFixtures(): string[] {
  const top = readdirSync(FIXTURES_DIR).filter((f) => f.endsWith('.json'));
  const synthesized = readdirSync(path.join(FIXTURES_DIR, 'synthesized'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `synthesized/${f}`);
  return [...top, ...synthesized].sort();
}

export function loadOpenApi(name: 'trading-api.json' | 'market-data-api.json'): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SHARED_DIR, 'alpaca', 'openapi', name), 'utf8')) as Record<string, unknown>;
}
