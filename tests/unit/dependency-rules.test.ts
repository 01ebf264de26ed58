/**
 * The layering rules of .dependency-cruiser.cjs, each proven by a deliberate violation: a small
 * tree under a temporary directory (one file per forbidden import, plus the imports that stay
 * allowed) is cruised with the repository's own rule set, and exactly the expected rule must fire
 * for each file. Packages resolve through a symlink to this repository's node_modules.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(join(repo, '.dependency-cruiser.cjs')) as { forbidden: NonNullable<IFlattenedRuleSet['forbidden']>; options: ICruiseOptions };

/** what each violating file imports, and the rule that must refuse it */
const VIOLATIONS: Array<{ file: string; imports: string; rule: string }> = [
  { file: 'src/core/uses-fs.ts', imports: "import { readFile } from 'node:fs/promises'; export const x = readFile;", rule: 'pure-core-no-io-modules' },
  { file: 'src/domain/uses-kysely.ts', imports: "import { sql } from 'kysely'; export const x = sql;", rule: 'pure-core-no-io-modules' },
  { file: 'src/core/uses-cron.ts', imports: "import cron from 'node-cron'; export const x = cron;", rule: 'pure-core-no-io-modules' },
  { file: 'src/domain/uses-adapter.ts', imports: "export * from '../adapters/postgres/index.js';", rule: 'pure-core-no-io-layers' },
  { file: 'src/lib/uses-domain.ts', imports: "export * from '../domain/value.js';", rule: 'lib-stands-alone' },
  { file: 'src/ports/uses-adapter.ts', imports: "export * from '../adapters/postgres/index.js';", rule: 'ports-over-the-domain' },
  { file: 'src/adapters/postgres/uses-control.ts', imports: "export * from '../../control/pipeline/types.js';", rule: 'adapters-import-no-layer-above' },
  { file: 'src/adapters/notify/uses-http.ts', imports: "export * from '../../http/app.js';", rule: 'adapters-import-no-layer-above' },
  { file: 'src/streams/uses-control.ts', imports: "export * from '../control/pipeline/types.js';", rule: 'trading-runs-below-control' },
  { file: 'src/machines/uses-http.ts', imports: "export * from '../http/app.js';", rule: 'trading-runs-below-control' },
  { file: 'src/actors/uses-postgres.ts', imports: "export * from '../adapters/postgres/index.js';", rule: 'actors-machines-through-ports' },
  { file: 'src/control/uses-repo-file.ts', imports: "export * from '../adapters/postgres/trade.repo.js';", rule: 'control-reaches-postgres-through-its-index' },
  { file: 'src/control/uses-sql.ts', imports: "import { sql } from 'kysely'; export const x = sql;", rule: 'control-writes-no-sql' },
  { file: 'src/control/uses-service.ts', imports: "export * from '../service/root.js';", rule: 'only-the-entry-points-use-the-service' },
];

/** imports the layering allows: none of these may be reported */
const ALLOWED: Array<{ file: string; imports: string }> = [
  { file: 'src/http/app.ts', imports: "export * from '../service/root.js';\nexport * from '../control/pipeline/types.js';" },
  { file: 'src/control/pipeline/types.ts', imports: "export * from '../../adapters/postgres/index.js';\nexport * from '../../lib/helper.js';\nexport * from '../../domain/value.js';" },
  { file: 'src/service/root.ts', imports: "export * from '../control/pipeline/types.js';\nexport * from '../adapters/postgres/index.js';" },
  { file: 'src/adapters/postgres/index.ts', imports: "export * from './trade.repo.js';\nimport { sql } from 'kysely'; export const q = sql;" },
  { file: 'src/adapters/postgres/trade.repo.ts', imports: "export * from '../../domain/value.js';\nexport * from '../../ports/store.port.js';" },
  { file: 'src/ports/store.port.ts', imports: "export * from '../domain/value.js';\nimport type { Observable } from 'rxjs'; export type O = Observable<number>;" },
  { file: 'src/lib/helper.ts', imports: "import cron from 'node-cron'; export const c = cron;" },
  { file: 'src/domain/value.ts', imports: 'export const value = 1;' },
  { file: 'src/streams/feed.ts', imports: "export * from '../lib/helper.js';\nexport * from '../ports/store.port.js';" },
];

let base = '';
let result: ICruiseResult;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'keel-layering-'));
  await symlink(join(repo, 'node_modules'), join(base, 'node_modules'), 'dir');
  for (const { file, imports } of [...VIOLATIONS, ...ALLOWED]) {
    await mkdir(join(base, dirname(file)), { recursive: true });
    await writeFile(join(base, file), `${imports}\n`);
  }
  // the repository's own options (parser, what is followed), rooted at the temporary tree
  const output = await cruise(['src'], {
    ...config.options, baseDir: base, validate: true, ruleSet: { forbidden: config.forbidden }, preserveSymlinks: true, outputType: 'json',
  });
  result = (typeof output.output === 'string' ? JSON.parse(output.output) : output.output) as ICruiseResult;
});

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

const rulesFor = (file: string): string[] =>
  result.summary.violations.filter((v) => v.from === file).map((v) => v.rule.name).sort();

describe('the layering rules (.dependency-cruiser.cjs)', () => {
  it.each(VIOLATIONS)('$file is refused by $rule', ({ file, rule }) => {
    expect(rulesFor(file)).toEqual([rule]);
  });

  it('reports nothing for the imports the layering allows', () => {
    expect(ALLOWED.flatMap(({ file }) => rulesFor(file).map((rule) => `${file}: ${rule}`))).toEqual([]);
  });

  it('makes every rule an error: a warning would let `npm test` pass over a violation', () => {
    expect(config.forbidden.filter((r) => r.severity !== 'error').map((r) => `${r.name}: ${r.severity}`)).toEqual([]);
  });

  it('knows every rule it proves (a rule renamed in the config fails here, not silently)', () => {
    const names = new Set(config.forbidden.map((r) => r.name));
    expect(VIOLATIONS.map((v) => v.rule).filter((rule) => !names.has(rule))).toEqual([]);
  });
});
