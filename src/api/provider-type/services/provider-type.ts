import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::provider-type.provider-type');
