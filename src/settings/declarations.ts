/**
 * Every environment variable the service reads, declared once: its kind, default and meaning (the
 * operators' table in docs/operators.md and .env.example list the same names; a unit test keeps them
 * in step). Add a variable here first; read it through settings() (index.ts), never process.env.
 */
import { anyText, bool, httpUrl, int, list, ms, oneOf, origin, secret, seconds, text, url } from './cast';

const isDevelopment = ({ NODE_ENV }: { NODE_ENV: string }) => NODE_ENV === 'development';

export const DECLARATIONS = {
  // The process and its server (config/server.ts)
  NODE_ENV: text({ default: 'development', meaning: 'development, production or test (Strapi assumes development when unset); production refuses missing or default secrets' }),
  ENV_PATH: text({ meaning: 'a file Strapi reads instead of .env; when set, the development set-up leaves .env alone' }),
  HOST: text({ default: '0.0.0.0', meaning: 'the address the server listens on' }),
  PORT: int({ default: 1337, min: 0, max: 65535, meaning: 'the port the server listens on (0: any free port)' }),
  PUBLIC_URL: text({ default: '', meaning: 'the public URL of the service behind a proxy, e.g. https://content.example.com' }),
  LOG_LEVEL: oneOf({ values: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'], default: 'http', meaning: 'the least severe level logged' }),
  SHUTDOWN_TIMEOUT_MS: ms({ default: 10000, min: 0, meaning: 'on SIGTERM, how long requests in flight may take to finish' }),
  STRAPI_TELEMETRY_DISABLED: bool({ default: false, words: 'true/false', meaning: "turns off Strapi's usage telemetry (read by Strapi itself)" }),
  JEST_WORKER_ID: text({ isTooling: true, meaning: 'set by the test runner: a stray promise rejection then fails the test instead of being logged' }),
  BENCH_STRAPI_GRAPHQL: bool({ default: false, words: 'true/false', isTooling: true, meaning: "set by the benchmark: turns on Strapi's own GraphQL plugin at /strapi-graphql as its baseline" }),

  // Secrets (config/admin.ts, config/server.ts; production refuses missing or default ones: src/env/secrets.ts)
  APP_KEYS: list({ entry: anyText, isSecret: true, isBlankKept: true, meaning: 'keys signing session cookies, comma-separated' }),
  API_TOKEN_SALT: text({ default: '', isSecret: true, meaning: 'salt of API token hashes' }),
  ADMIN_JWT_SECRET: text({ default: '', isSecret: true, meaning: 'signs admin sessions and preview links' }),
  TRANSFER_TOKEN_SALT: text({ default: '', isSecret: true, meaning: 'salt of transfer token hashes' }),
  ENCRYPTION_KEY: text({ default: '', isSecret: true, meaning: 'encrypts secrets Strapi stores' }),

  // The admin panel (config/admin.ts) and its preview button (src/site-pages)
  SERVE_ADMIN_PANEL: bool({ default: true, words: 'true/false', meaning: 'serves the admin panel at /admin (off for API-only processes without an admin build)' }),
  FLAG_NPS: bool({ default: false, words: 'true/false', meaning: "Strapi's satisfaction survey in the admin" }),
  FLAG_PROMOTE_EE: bool({ default: false, words: 'true/false', meaning: "Strapi's Enterprise Edition promotions in the admin" }),
  PREVIEW_ENABLED: bool({ default: true, words: 'true/false', meaning: 'the preview button on techniques and conditions' }),
  PREVIEW_CLINIC: text({ meaning: 'the clinic preview pages are shown for (unset: the first by name that publishes the locale)' }),
  PREVIEW_LINK_TTL_SECONDS: seconds({ default: 3600, min: 60, meaning: 'how long a preview link opens the draft' }),

  // The development admin accounts and the seed (src/admin-account, src/seed)
  ADMIN_EMAIL: text({ meaning: 'e-mail of the development admin created at start (ignored in production)' }),
  ADMIN_PASSWORD: text({ isSecret: true, isUntrimmed: true, meaning: 'its password: 8+ characters with a lowercase letter, an uppercase letter and a digit' }),
  ADMIN_FIRSTNAME: text({ default: 'Content', meaning: "the development admin's first name" }),
  ADMIN_LASTNAME: text({ default: 'Admin', meaning: "the development admin's last name" }),
  ADMIN_CLINIC_EDITOR_EMAIL: text({ meaning: 'e-mail of the demo clinic editor (role "Clinic editor", linked to the harbour-chiro clinic) created at start (ignored in production)' }),
  ADMIN_CLINIC_EDITOR_PASSWORD: text({ isSecret: true, isUntrimmed: true, meaning: "the demo clinic editor's password: 8+ characters with a lowercase letter, an uppercase letter and a digit" }),
  SEED_ON_EMPTY: bool({ default: isDevelopment, words: 'true/false', meaning: 'imports data/seed into an empty database at start (default: on in development)' }),

  // The database (config/database.ts)
  DATABASE_URL: url({ schemes: ['postgres:', 'postgresql:'], meaning: 'PostgreSQL connection URL; when set, PostgreSQL is used instead of SQLite' }),
  DATABASE_CLIENT: oneOf({ values: ['sqlite', 'postgres'], default: 'sqlite', meaning: 'sqlite, or postgres with the separate DATABASE_* variables below' }),
  DATABASE_FILENAME: text({ default: '.tmp/data.db', meaning: 'the SQLite file, relative to the project root' }),
  SQLITE_CACHE_MB: int({ default: 64, min: 1, meaning: "SQLite's page cache in this process (its own default is 2 MB)" }),
  SQLITE_MMAP_MB: int({ default: 256, min: 0, meaning: 'SQLite reads the file through a memory map of up to this size (0: no map)' }),
  DATABASE_HOST: text({ default: '127.0.0.1', meaning: 'PostgreSQL host (without DATABASE_URL)' }),
  DATABASE_PORT: int({ default: 5432, min: 1, max: 65535, meaning: 'PostgreSQL port (without DATABASE_URL)' }),
  DATABASE_NAME: text({ default: 'clinic_content', meaning: 'PostgreSQL database (without DATABASE_URL)' }),
  DATABASE_USERNAME: text({ default: 'postgres', meaning: 'PostgreSQL user (without DATABASE_URL)' }),
  DATABASE_PASSWORD: text({ default: '', isSecret: true, isUntrimmed: true, meaning: 'PostgreSQL password (without DATABASE_URL)' }),
  DATABASE_SCHEMA: text({ default: 'public', meaning: 'PostgreSQL schema' }),
  DATABASE_SSL: bool({ default: false, words: 'true/false', meaning: 'PostgreSQL over TLS' }),
  DATABASE_SSL_REJECT_UNAUTHORIZED: bool({ default: true, words: 'true/false', meaning: "with DATABASE_SSL: refuse a server certificate that does not verify" }),
  DATABASE_POOL_MIN: int({ default: 2, min: 0, meaning: 'PostgreSQL connections kept open at least' }),
  DATABASE_POOL_MAX: int({ default: 10, min: 1, meaning: 'PostgreSQL connections open at most' }),
  DATABASE_POOL_IDLE_TIMEOUT: ms({ default: 30000, min: 0, meaning: 'PostgreSQL: an idle connection is closed after this long' }),
  DATABASE_CONNECTION_TIMEOUT: ms({ default: 60000, min: 1, meaning: 'how long a query waits for a pooled connection at most' }),
  DATABASE_STATEMENT_TIMEOUT: ms({ default: 30000, min: 0, meaning: 'PostgreSQL cancels a statement after this long (0: never)' }),

  // Locales (config/locales.ts)
  LOCALES: text({ meaning: 'replaces the locale list of config/locales.ts for one deployment (the same shape, as JSON)' }),

  // The response cache and Redis (src/cache)
  RESPONSE_CACHE: bool({ default: true, words: 'on/off', meaning: "the public API's response cache (off answers everything from the database)" }),
  RESPONSE_CACHE_MAX_MB: int({ default: 64, min: 1, meaning: 'memory bound of the in-process cache (without Redis)' }),
  REDIS_URL: url({ schemes: ['redis:', 'rediss:'], meaning: 'Redis shared by all instances (cache, rate limits, change messages); unset: each instance on its own' }),
  REDIS_PREFIX: text({ default: 'clinic-content', meaning: 'prefix of every Redis key and channel (several deployments on one Redis)' }),
  RESPONSE_CACHE_TTL_SECONDS: seconds({ default: 86400, min: 1, meaning: 'how long Redis keeps a cached response at most' }),
  CACHE_CONTROL_MAX_AGE: seconds({ default: 0, min: 0, meaning: 'max-age of cacheable answers (browsers)' }),
  CACHE_CONTROL_S_MAXAGE: seconds({ default: 300, min: 0, meaning: 's-maxage of cacheable answers (CDNs)' }),
  CACHE_CONTROL_STALE_WHILE_REVALIDATE: seconds({ default: 60, min: 0, meaning: 'stale-while-revalidate of cacheable answers' }),
  RESPONSE_CACHE_FALLBACK_MS: ms({ default: 1000, min: 0, meaning: 'while Redis is unreachable: how long an instance serves its own cached copy' }),
  PERSISTED_QUERY_TTL_SECONDS: seconds({ default: 86400, min: 1, meaning: 'how long a registered (automatic persisted query) document is kept, in Redis and in each instance' }),

  // Clinic keys (src/clinics)
  CLINIC_CACHE_TTL_MS: ms({ default: 1000, min: 0, meaning: 'how long an instance trusts its copy of keys, locales and clinics for writes it was not told about' }),
  KEY_USE_FLUSH_MS: ms({ default: 10000, min: 10, meaning: 'how often an instance writes when clinic keys were last used' }),

  // /graphql: limits, CORS, rate limits, metrics (src/graphql, src/observability)
  GRAPHQL_MAX_DEPTH: int({ default: 8, min: 1, meaning: 'deepest selection a query may have' }),
  GRAPHQL_MAX_ALIASES: int({ default: 15, min: 1, meaning: 'aliases a query may use' }),
  GRAPHQL_MAX_DIRECTIVES: int({ default: 10, min: 1, meaning: 'directives a query may use' }),
  GRAPHQL_MAX_TOKENS: int({ default: 2000, min: 1, meaning: 'tokens a query document may have' }),
  GRAPHQL_MAX_COST: int({ default: 20000, min: 1, meaning: 'cost a query may have (a list multiplies its selection by its size)' }),
  GRAPHQL_RELATION_LIST_SIZE: int({ default: 20, min: 1, meaning: 'the size the cost assumes for a relation list' }),
  GRAPHQL_MAX_BODY_BYTES: int({ default: 100 * 1024, min: 1, meaning: 'request body limit' }),
  GRAPHQL_TIMEOUT_MS: ms({ default: 10000, min: 1, meaning: 'time limit per request' }),
  GRAPHQL_INTROSPECTION: bool({ default: isDevelopment, words: 'on/off', meaning: 'schema introspection (default: on in development)' }),
  GRAPHQL_CORS_ORIGINS: list({ entry: origin, meaning: 'browser origins allowed on /graphql (default: none; keys are server-side secrets)' }),
  RATE_LIMIT_PER_MINUTE: int({ default: 600, min: 0, meaning: "requests per key and minute (0: none); a clinic's own value wins" }),
  METRICS_TOKEN: secret({ minLength: 16, hint: 'it guards /metrics; generate one with `openssl rand -hex 24`', meaning: 'bearer token for /metrics; unset: no /metrics' }),

  // Revalidation webhooks (src/revalidation)
  REVALIDATION_POLL_MS: ms({ default: 30000, min: 10, meaning: 'how often an idle instance looks for deliveries another one left' }),
  REVALIDATION_TIMEOUT_MS: ms({ default: 5000, min: 1, meaning: 'time limit per webhook request' }),
  REVALIDATION_RETRY_BASE_MS: ms({ default: 2000, min: 1, meaning: 'delay before the first retry (each further one waits twice as long)' }),
  REVALIDATION_MAX_ATTEMPTS: int({ default: 6, min: 1, meaning: 'attempts before a delivery is given up as failed' }),

  // CDN purges by edge tag (src/cdn): each CDN configured here is purged after every publish; none is by default
  VARNISH_PURGE_URLS: list({ entry: httpUrl, isSecret: true, meaning: 'base URLs of the Varnish servers, comma-separated: each gets a PURGE request with an xkey header of edge tags (setting it turns Varnish purges on)' }),
  FASTLY_API_TOKEN: secret({ minLength: 16, hint: 'a Fastly API token with the purge_select scope', meaning: 'Fastly API token (purge_select scope); with FASTLY_SERVICE_ID turns Fastly purges on: both or neither' }),
  FASTLY_SERVICE_ID: text({ meaning: 'the Fastly service whose cache is purged (with FASTLY_API_TOKEN)' }),
  FASTLY_API_URL: url({ schemes: ['https:', 'http:'], default: 'https://api.fastly.com', meaning: "Fastly's API (http only on the loopback address, for tests)" }),
  CLOUDFLARE_API_TOKEN: secret({ minLength: 16, hint: 'a Cloudflare API token with the Zone > Cache Purge permission', meaning: 'Cloudflare API token (Cache Purge permission); with CLOUDFLARE_ZONE_ID turns Cloudflare purges on: both or neither' }),
  CLOUDFLARE_ZONE_ID: text({ meaning: 'the Cloudflare zone whose cache is purged (with CLOUDFLARE_API_TOKEN)' }),
  CLOUDFLARE_API_URL: url({ schemes: ['https:', 'http:'], default: 'https://api.cloudflare.com/client/v4', meaning: "Cloudflare's API (http only on the loopback address, for tests)" }),
  CDN_PURGE_TIMEOUT_MS: ms({ default: 10000, min: 1, meaning: 'time limit per purge request to a CDN (each Varnish server, Fastly, Cloudflare)' }),
  CDN_PURGE_RETRY_BASE_MS: ms({ default: 1000, min: 1, meaning: 'delay before the first retry of a failed CDN purge (each further one waits twice as long, at most a minute)' }),
  CDN_PURGE_MAX_ATTEMPTS: int({ default: 12, min: 1, meaning: 'attempts before a CDN purge is given up as failed (a CDN answering 429 with Retry-After does not use one up)' }),
  CDN_PURGE_POLL_MS: ms({ default: 30000, min: 10, meaning: 'how often an idle instance looks for CDN purges another one left' }),

  // Sync for static sites (src/sync): the change feed each clinic site reads between builds
  FEED_RETENTION_DAYS: int({ default: 90, min: 1, max: 3650, meaning: 'how long change-feed events are kept; a site whose cursor is older rebuilds from the manifest (CURSOR_EXPIRED)' }),

  // Governance (src/governance): scheduled publishing and lapsed medical reviews
  SCHEDULE_POLL_MS: ms({ default: 30000, min: 10, meaning: 'how often each instance looks for scheduled publishes and unpublishes that fell due (a job runs within this period of its time)' }),
  REVIEW_LAPSE_POLICY: oneOf({ values: ['flag', 'unpublish'], default: 'flag', meaning: "what happens to a published technique or condition whose medical review's next-review date has passed: flag it for editors, or unpublish it" }),
};

export type VariableName = keyof typeof DECLARATIONS;
