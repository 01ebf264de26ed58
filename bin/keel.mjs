#!/usr/bin/env node
// Runs src/cli/keel.ts through tsx, wherever keel is started from: paths come from this file's
// URL, not the working directory. Ctrl-C reaches the child directly (same process group), so the
// shim only waits for it and passes its exit status on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/keel.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
