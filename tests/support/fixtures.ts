/**
 * The recorded Alpaca payloads and Alpaca's official OpenAPI specs, kept in this repository:
 * tests/fixtures/alpaca/ (SOURCES.md there says where each payload comes from and how much it is
 * worth) and tests/fixtures/alpaca-openapi/ (README.md there names the spec versions).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const FIXTURES_DIR = path.join(REPO_ROOT, 'tests', 'fixtures', 'alpaca');
const OPENAPI_DIR = path.join(REPO_ROOT, 'tests', 'fixtures', 'alpaca-openapi');

/** `name` relative to fixtures/alpaca/, e.g. 'order-filled.json' or 'synthesized/trade-update-new.json' */
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
  return JSON.parse(readFileSync(path.join(OPENAPI_DIR, name), 'utf8')) as Record<string, unknown>;
}
