/* global module */
/**
 * One-way layers across src/ (dependency-cruiser). Checked by tests/unit/architecture/layers.test.ts;
 * by hand: `npx depcruise src --config .dependency-cruiser.cjs`.
 *
 * LAYERS lists the folders from the bottom up. Each folder may import itself, the folders in its
 * `may` list (all of them lower in the list, so no cycle is possible) and packages. Anything else is
 * a violation. docs/architecture.md explains the layers; each src/<folder>/README.md repeats its row.
 */

/** @type {ReadonlyArray<{ folder: string, may: string[], why: string }>} */
const LAYERS = [
  { folder: 'core', may: [], why: 'query input/result types, typed errors, time grains, cancellation' },
  { folder: 'config', may: ['core'], why: 'environment variables and flags → Config' },
  { folder: 'definitions', may: ['core'], why: 'MetricFlow YAML / manifest → validated Definitions' },
  { folder: 'semantic-graph', may: ['core', 'definitions'], why: 'entities, joins and group-by items of the definitions' },
  { folder: 'planner', may: ['core', 'definitions', 'semantic-graph'], why: 'a query → a plan (pure)' },
  { folder: 'compiler', may: ['core', 'definitions', 'semantic-graph', 'planner'], why: 'a plan → PostgreSQL SQL (pure)' },
  { folder: 'warehouse', may: ['core'], why: 'PostgreSQL / PGlite connections that run SQL' },
  { folder: 'privacy', may: ['core', 'definitions', 'semantic-graph', 'planner', 'compiler'], why: 'personal-data rules applied to a compiled query (pure)' },
  { folder: 'forecast', may: ['core', 'definitions', 'planner'], why: 'forecasts and anomaly flags added to an answer’s history rows (pure, augurs WASM)' },
  { folder: 'engine', may: ['core', 'definitions', 'semantic-graph', 'planner', 'compiler', 'warehouse', 'privacy', 'forecast'], why: 'definitions + warehouse → answers' },
  // The engine layers, innermost first: each wraps the engine below it.
  { folder: 'cache', may: ['core', 'definitions', 'warehouse', 'engine'], why: 'result cache, coalescing, warehouse concurrency limit' },
  { folder: 'access', may: ['core', 'config', 'definitions', 'semantic-graph', 'planner', 'engine', 'cache'], why: 'callers, grants, row rules' },
  { folder: 'limits', may: ['core', 'engine', 'access'], why: 'per-query size limits' },
  { folder: 'audit', may: ['core', 'definitions', 'warehouse', 'privacy', 'engine', 'cache', 'access', 'limits'], why: 'the audit log of queries' },
  // The one place the per-caller layers are put in order around the loaded engine.
  { folder: 'layers', may: ['core', 'engine', 'cache', 'access', 'limits', 'audit'], why: "a caller's engine: cache, access, limits, audit in their order" },
  // The HTTP kernel: Fastify helpers every interface shares, and the server state they read.
  { folder: 'http', may: ['core', 'warehouse', 'engine', 'cache', 'access', 'limits', 'audit'], why: 'route info, hooks, problem+json, server state' },
  { folder: 'observability', may: ['core', 'cache', 'http'], why: 'Prometheus metrics and their route' },
  // The interfaces: thin adapters from a protocol to the engine.
  { folder: 'api', may: ['core', 'definitions', 'semantic-graph', 'warehouse', 'privacy', 'engine', 'cache', 'access', 'audit', 'layers', 'http'], why: 'REST (+CSV, OpenAPI) and GraphQL' },
  // The composition root: builds the server from a Config.
  { folder: 'server', may: ['core', 'config', 'definitions', 'warehouse', 'engine', 'cache', 'access', 'limits', 'audit', 'layers', 'http', 'observability', 'api'], why: 'createServer(config), buildApp, hardening, reload' },
  // Entry points above the root: the embedded demo data, the CLI and the benchmarks.
  { folder: 'demo', may: ['core', 'warehouse'], why: 'the embedded demo warehouse (data only)' },
  { folder: 'cli', may: ['core', 'config', 'definitions', 'semantic-graph', 'planner', 'compiler', 'warehouse', 'privacy', 'forecast', 'engine', 'cache', 'access', 'limits', 'audit', 'layers', 'http', 'observability', 'api', 'server', 'demo'], why: 'the maatstaf command' },
  { folder: 'bench', may: ['core', 'config', 'definitions', 'semantic-graph', 'planner', 'compiler', 'warehouse', 'privacy', 'forecast', 'engine', 'cache', 'access', 'limits', 'audit', 'layers', 'http', 'observability', 'api', 'server', 'demo'], why: 'npm run bench' },
  // The browser app (built by Vite, served as static files): imports nothing from the server side.
  { folder: 'web', may: [], why: 'the KPI explorer in the browser' },
];

const either = (names) => `^src/(${names.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-unlisted-folder',
      comment: 'Every folder under src/ has its row in LAYERS (.dependency-cruiser.cjs).',
      severity: 'error',
      from: { path: '^src/', pathNot: either(LAYERS.map((l) => l.folder)) },
      to: {},
    },
  ],
  allowed: [
    // Packages, Node built-ins and files outside src/ (migrations/).
    { from: {}, to: { pathNot: '^src/' } },
    // A migration of the audit schema recomputes stored rows with the audit layer's own code.
    { from: { path: '^migrations/audit/' }, to: { path: '^src/(core|audit)/' } },
    ...LAYERS.map(({ folder, may }) => ({ from: { path: `^src/${folder}/` }, to: { path: either([folder, ...may]) } })),
  ],
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a layer that names another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
// For the architecture test (not part of dependency-cruiser's schema, hence not enumerable).
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false });
