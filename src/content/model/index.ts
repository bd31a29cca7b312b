/** The content-model registry and the typed adapter over Strapi's metadata: see registry.ts. */
export * from './registry';
