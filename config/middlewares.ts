import type { Core } from '@strapi/strapi';

const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  // POST /graphql: its own body limit and GraphQL-shaped errors (src/middlewares/graphql-body.ts).
  'global::graphql-body',
  'strapi::body',
  'strapi::session',
  // The icon lives with the other public files (the middleware's default is the project root).
  { name: 'strapi::favicon', config: { path: 'public/favicon.png' } },
  'strapi::public',
];

export default config;
