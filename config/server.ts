import type { Core } from '@strapi/strapi';
import { formats, winston } from '@strapi/logger';
import { requestIdFormat } from '../src/observability/request-context';
import { loadSettings } from '../src/settings';

// Read through src/settings, parsed afresh each time Strapi loads its configuration.
const config = (): Core.Config.Server => {
  const settings = loadSettings();
  return {
    host: settings.HOST,
    port: settings.PORT,
    url: settings.PUBLIC_URL,
    app: {
      keys: settings.APP_KEYS,
    },
    logger: {
      // Every line logged while a request is handled carries its request id.
      config: {
        level: settings.LOG_LEVEL,
        format: winston.format.combine(requestIdFormat(), formats.prettyPrint({ timestamps: 'YYYY-MM-DD HH:mm:ss.SSS' })),
      },
      // The update check needs the public internet; deployments upgrade through the lockfile instead.
      updates: { enabled: false },
    },
  };
};

export default config;
