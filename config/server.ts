import type { Core } from '@strapi/strapi';
import { formats, winston } from '@strapi/logger';
import { requestIdFormat } from '../src/observability/request-context';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  url: env('PUBLIC_URL', ''),
  app: {
    keys: env.array('APP_KEYS', []),
  },
  logger: {
    // LOG_LEVEL: error, warn, info, http (Strapi's default) or debug.
    // Every line logged while a request is handled carries its request id.
    config: {
      level: env('LOG_LEVEL', 'http'),
      format: winston.format.combine(requestIdFormat(), formats.prettyPrint({ timestamps: 'YYYY-MM-DD HH:mm:ss.SSS' })),
    },
    // The update check needs the public internet; deployments upgrade through the lockfile instead.
    updates: { enabled: false },
  },
});

export default config;
