import { readdirSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, loadBotConfig, migrateToLatest, saveBotState, startEmbeddedPostgres, migrationsDir } from '../../src/adapters/postgres/index.js';

/** every forward migration in db/migrations, in order (a new migration is picked up without editing this test) */
const MIGRATIONS = readdirSync(migrationsDir()).filter((f) => /^\d{4}_.+(?<!\.down)\.sql$/.test(f)).map((f) => f.replace(/\.sql$/, '')).sort();

const T0 = Date.UTC(2026, 10, 23, 14, 30);

describe('embedded PostgreSQL (the server npm start uses without DATABASE_URL)', () => {
  const dirs: string[] = [];
  afterAll(async () => { for (const dir of dirs) await rm(dir, { recursive: true, force: true }); });

  it('keeps its data across stop and start on the same data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'keel-embedded-'));
    dirs.push(dataDir);

    const first = await startEmbeddedPostgres({ dataDir });
    expect(first.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/keel$/);
    const a = createDb(first.url);
    expect(await migrateToLatest(a.db)).toEqual(MIGRATIONS);
    await saveBotState(a.db, 'paused', T0);
    const fsync = await sql<{ fsync: string }>`SHOW fsync`.execute(a.db);
    expect(fsync.rows[0]?.fsync).toBe('on'); // durable by default: this is the real service's database
    await a.close();
    await a.disconnected();
    await first.stop();
    expect((await stat(join(dataDir, 'pg', 'PG_VERSION'))).isFile()).toBe(true);

    const second = await startEmbeddedPostgres({ dataDir });
    let poolError!: (err: Error) => void;
    const idleConnectionDied = new Promise<Error>((resolve) => { poolError = resolve; });
    const b = createDb(second.url, { onPoolError: (err) => poolError(err) });
    expect(await migrateToLatest(b.db)).toEqual([]);
    expect((await loadBotConfig(b.db, T0 + 1)).state).toBe('paused');
    // stopping the server under an idle pooled connection reaches the pool's error handler
    // instead of crashing the process (node-postgres emits 'error' on an idle pooled client whose connection dies)
    await second.stop();
    expect((await idleConnectionDied).message).toMatch(/terminat/i);
    await b.close();
  });
});
