/**
 * The content model: the registry of served types (registry.ts), the typed view of Strapi's model
 * metadata (metadata.ts) and typed handles on the Strapi services it rests on (services.ts).
 */
export * from './registry';
export * from './metadata';
export * from './services';
