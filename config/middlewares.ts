import type { Core } from '@strapi/strapi';

const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  // /graphql, all of it: its own CORS policy and body limit (src/middlewares/graphql-endpoint.ts).
  'global::graphql-endpoint',
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
