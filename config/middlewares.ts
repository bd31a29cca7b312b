import type { Core } from '@strapi/strapi';

// /graphql never reaches this chain: the front door answers it (src/graphql/endpoint.ts), with the
// security headers and log line that strapi::security and strapi::logger give.
const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  // The icon lives with the other public files (the middleware's default is the project root).
  { name: 'strapi::favicon', config: { path: 'public/favicon.png' } },
  'strapi::public',
];

export default config;
