// Secrets are read here as given; src/env/secrets.ts refuses missing or default ones in production.
import type { Core } from '@strapi/strapi';
import { previewUrl } from '../src/site-pages/preview-link';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Admin => ({
  auth: {
    secret: env('ADMIN_JWT_SECRET', ''),
  },
  apiToken: {
    salt: env('API_TOKEN_SALT', ''),
  },
  transfer: {
    token: {
      salt: env('TRANSFER_TOKEN_SALT', ''),
    },
  },
  secrets: {
    encryptionKey: env('ENCRYPTION_KEY', ''),
  },
  // Off for API-only processes (the benchmark) that have no admin build.
  serveAdminPanel: env.bool('SERVE_ADMIN_PANEL', true),
  // The preview button on techniques and conditions opens this service's own page for the entry
  // (src/site-pages): the draft behind a signed link, or the published reference page.
  preview: {
    enabled: env.bool('PREVIEW_ENABLED', true),
    config: {
      handler: async (uid: string, params: { documentId: string; locale?: string; status?: string }) => previewUrl(strapi, uid, params),
    },
  },
  flags: {
    nps: env.bool('FLAG_NPS', false),
    promoteEE: env.bool('FLAG_PROMOTE_EE', false),
  },
});

export default config;
