import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::clinic-adaptation.clinic-adaptation');
