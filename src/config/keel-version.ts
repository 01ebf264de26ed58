/** package.json's version, for keel_build_info ('unknown' when it cannot be read) */
import { readFile } from 'node:fs/promises';

export async function keelVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
