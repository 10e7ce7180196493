/**
 * The layers, checked by `pnpm lint` (docs/code-map.md has the picture): no import cycles, packages
 * never import apps, the shared contracts depend on nothing, the stores and clients never reach up
 * into the pipeline or down into SQLite they do not own, and a publisher process loads no SQLite,
 * REST API, status page or Bull Board code, since it must run on hosts without the database file.
 */
const publisherEntries = '^(apps/publisher-worker/src/main[.]ts|packages/services/src/publisher-service[.]ts)$';
const notForPublishers = [
  '^packages/(outbox-store|rest-api|writer)/',
  '^packages/pipeline/src/(capture|admin|status)/',
  'node_modules/(better-sqlite3|@bull-board)/',
];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'import cycles', from: {}, to: { circular: true } },
    {
      name: 'packages-never-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'contracts-depend-on-nothing',
      severity: 'error',
      comment: 'the shared types: any dependency would drag its package into every other one',
      from: { path: '^packages/contracts/' },
      to: { pathNot: '^packages/contracts/' },
    },
    {
      name: 'clients-stay-below-the-pipeline',
      severity: 'error',
      comment: 'queue, kafka and observability know the contracts, not the outbox store or the pipeline',
      from: { path: '^packages/(queue|kafka|observability|tracing|contracts|errors|logger|config)/' },
      to: { path: '^packages/(outbox-store|pipeline|services|rest-api|writer|testkit|verifier)/' },
    },
    {
      name: 'opentelemetry-only-in-tracing',
      severity: 'error',
      comment: 'components trace through the EventTracer contract; the SDK is loaded only when tracing is configured',
      from: { pathNot: '^packages/tracing/' },
      to: { path: 'node_modules/@opentelemetry/' },
    },
    {
      name: 'no-deep-imports',
      severity: 'error',
      comment: "another package is used through its entry points, never its src/ files",
      from: { path: '^packages/([^/]+)/' },
      to: {
        path: '^packages/([^/]+)/src/',
        pathNot: [
          '^packages/$1/',
          '^packages/[^/]+/src/index[.]ts$',
          '^packages/pipeline/src/publisher/index[.]ts$',
          '^packages/services/src/(capture|publisher)-service[.]ts$',
        ],
      },
    },
    {
      name: 'cli-loads-implementations-when-run',
      severity: 'error',
      comment: "each CLI command imports what it runs inside its action, so `outbox publisher` loads what the publisher app loads",
      from: { path: '^apps/cli/src/' },
      to: {
        path: '^packages/(services|outbox-store|pipeline|writer|verifier|kafka|rest-api)/',
        pathNot: '^packages/rest-api/src/api-client[.]ts$',
        dependencyTypesNot: ['dynamic-import', 'type-only'],
      },
    },
    ...notForPublishers.map((path, i) => ({
      name: `publisher-loads-no-database-or-api-code-${i + 1}`,
      severity: 'error',
      comment: 'a publisher needs only Redis and Kafka',
      from: { path: publisherEntries },
      to: { path, reachable: true },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 7 has no compiler API yet: dependency-cruiser parses with swc.
    parser: 'swc',
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
