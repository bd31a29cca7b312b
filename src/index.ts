/** Strapi's app lifecycles, handed to the composition root (src/app). */
import type { Core } from '@strapi/strapi';
import { appOf } from './app';

export default {
  register: ({ strapi }: { strapi: Core.Strapi }) => appOf(strapi).register(),
  bootstrap: ({ strapi }: { strapi: Core.Strapi }) => appOf(strapi).bootstrap(),
  destroy: ({ strapi }: { strapi: Core.Strapi }) => appOf(strapi).destroy(),
};
