// Secrets are read here as given; src/env/secrets.ts refuses missing or default ones in production.
import type { Core } from '@strapi/strapi';
import { loadSettings } from '../src/settings';
import { previewUrl } from '../src/site-pages/preview-link';

const config = (): Core.Config.Admin => {
  const settings = loadSettings();
  return {
    auth: {
      secret: settings.ADMIN_JWT_SECRET,
    },
    apiToken: {
      salt: settings.API_TOKEN_SALT,
    },
    transfer: {
      token: {
        salt: settings.TRANSFER_TOKEN_SALT,
      },
    },
    secrets: {
      encryptionKey: settings.ENCRYPTION_KEY,
    },
    // Off for API-only processes (the benchmark) that have no admin build.
    serveAdminPanel: settings.SERVE_ADMIN_PANEL,
    // The preview button on techniques and conditions opens this service's own page for the entry
    // (src/site-pages): the draft behind a signed link, or the published reference page.
    preview: {
      enabled: settings.PREVIEW_ENABLED,
      config: {
        handler: async (uid: string, params: { documentId: string; locale?: string; status?: string }) => previewUrl(strapi, uid, params),
      },
    },
    flags: {
      nps: settings.FLAG_NPS,
      promoteEE: settings.FLAG_PROMOTE_EE,
    },
  };
};

export default config;
