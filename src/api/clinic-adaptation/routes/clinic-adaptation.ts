import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::clinic-adaptation.clinic-adaptation');
