import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::provider-type.provider-type');
