/**
 * Import rules (`npm run lint`, and a CI step): the service's layers (docs/contributors.md), checked by
 * dependency-cruiser instead of by memory. Imports point down only, and nothing imports in a circle:
 *
 *   app         src/app/, src/index.ts: the composition root and the entry points
 *               Strapi loads by location (lifecycles, the Koa middleware of /graphql); nothing imports it.
 *   transports  src/http/ (the front door and the shared HTTP pieces), src/graphql/, src/site-pages/,
 *               every routes.ts inside a capability (src/<capability>/…/routes.ts), src/api/ (Strapi's factories), scripts/.
 *               A transport imports no other transport except http/; http/ imports none.
 *   capabilities cache/, clinics/, l10n/, locales/, revalidation/, editorial/, seo/, content-validation/,
 *               editor-help/, observability/ (metrics), seed/, admin-account/, …: anything in src/ that
 *               is neither above nor below. They import each other (no cycles) and what is below.
 *   content     src/content/ (reading, the write pipeline, content/model/: the registry).
 *   foundations src/database/, src/env/, src/settings/, src/reports/, src/rich-text/,
 *               src/observability/request-context.ts: they import only each other.
 *
 * Type-only imports count (tsPreCompilationDeps): a type pulled from above couples as much as a value.
 * The admin panel's React code (src/admin/) is a separate bundle, built by Strapi: it imports no server
 * code except types, and no server code imports it.
 */
const FOUNDATION = '^src/(database|env|settings|reports|rich-text)/|^src/observability/request-context\\.ts$';
const CONTENT = '^src/content/';
const ADMIN_PANEL = '^src/admin/';
const APP = '^src/app/|^src/index\\.ts$';
/** One transport per match; `$1` in a `to` is the importing transport itself. */
const TRANSPORT = '^(src/(?:http|graphql|site-pages|api)/|src/(?!app/)[^/]+/routes\\.ts$|src/(?!app/)[^/]+/[^/]+/routes\\.ts$|scripts/)';
const HTTP = '^src/http/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a circle cannot be understood, tested or moved one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'foundations-import-foundations',
      comment: 'Foundations are the bottom: they know nothing of content, capabilities or transports.',
      severity: 'error',
      from: { path: FOUNDATION },
      to: { path: '^src/', pathNot: FOUNDATION },
    },
    {
      name: 'content-imports-down',
      comment: 'content/ is below every capability: a capability that content needs belongs in content/ (or the registry) or in a foundation.',
      severity: 'error',
      from: { path: CONTENT },
      to: { path: '^src/', pathNot: [CONTENT, FOUNDATION] },
    },
    {
      name: 'capabilities-import-no-transport',
      comment: 'Capabilities serve every transport; they never reach up into one (HTTP, GraphQL, routes, scripts) or into the app.',
      severity: 'error',
      from: { path: '^src/', pathNot: [TRANSPORT, APP, ADMIN_PANEL, FOUNDATION, CONTENT] },
      to: { path: [TRANSPORT, APP] },
    },
    {
      name: 'transports-import-http-only',
      comment: 'Transports share code through src/http/ (or a capability below), never by importing one another.',
      severity: 'error',
      from: { path: TRANSPORT, pathNot: HTTP },
      to: { path: TRANSPORT, pathNot: [HTTP, '^$1'] },
    },
    {
      name: 'http-imports-no-transport',
      comment: 'src/http/ is the transports\' shared floor: it imports capabilities and content, no transport.',
      severity: 'error',
      from: { path: HTTP },
      to: { path: TRANSPORT, pathNot: HTTP },
    },
    {
      name: 'nothing-imports-the-app',
      comment: 'The composition root is on top: it imports everything, nothing imports it.',
      severity: 'error',
      from: { pathNot: APP },
      to: { path: APP },
    },
    {
      name: 'admin-panel-is-its-own-bundle',
      comment: 'src/admin/ is bundled for the browser by Strapi: server code would be bundled with it (types are fine).',
      severity: 'error',
      from: { path: ADMIN_PANEL },
      to: { path: '^(src|scripts|config)/', pathNot: ADMIN_PANEL, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-imports-no-admin-panel',
      severity: 'error',
      from: { path: '^(src|scripts)/', pathNot: ADMIN_PANEL },
      to: { path: ADMIN_PANEL },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'The service runs with production dependencies only (npm ci --omit=dev): src/ imports no devDependency at run time.',
      severity: 'error',
      from: { path: '^src/', pathNot: ADMIN_PANEL },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports is dead, unless Strapi or a command loads it by its place.',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '^src/index\\.ts$', '^src/api/', '^src/policies/', '^src/admin/app\\.tsx$', '^scripts/', '^config/'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^types/generated/', '\\.json$'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      mainFields: ['main', 'types', 'typings'],
      conditionNames: ['require', 'node', 'import', 'types', 'default'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
