import type { Core } from '@strapi/strapi';
import { loadSettings } from '../src/settings';

const config = (): Core.Config.Plugin => ({
  // Strapi's own GraphQL plugin exists here only as the baseline of the benchmark (bench/); the
  // service's API is src/graphql. BENCH_STRAPI_GRAPHQL=true turns it on, at another path.
  graphql: {
    enabled: loadSettings().BENCH_STRAPI_GRAPHQL,
    // A dev dependency, which Strapi does not discover by itself.
    resolve: './node_modules/@strapi/plugin-graphql',
    config: {
      endpoint: '/strapi-graphql',
      playgroundAlways: false,
      defaultLimit: 100,
      maxLimit: 1000,
      depthLimit: 10,
      apolloServer: { introspection: true },
    },
  },
});

export default config;
