import type { Core } from '@strapi/strapi';
import { readSecret } from '../src/env/secrets';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Admin => ({
  auth: {
    secret: readSecret('ADMIN_JWT_SECRET'),
  },
  apiToken: {
    salt: readSecret('API_TOKEN_SALT'),
  },
  transfer: {
    token: {
      salt: readSecret('TRANSFER_TOKEN_SALT'),
    },
  },
  secrets: {
    encryptionKey: readSecret('ENCRYPTION_KEY'),
  },
  flags: {
    nps: env.bool('FLAG_NPS', false),
    promoteEE: env.bool('FLAG_PROMOTE_EE', false),
  },
});

export default config;
