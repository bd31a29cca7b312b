/** The write pipeline: one typed change per write, its subscribers, and the settle point (pipeline.ts). */
export * from './change';
export { writePipeline, type WritePipeline } from './pipeline';
export { mountHttpSettle } from './settle';
/** For subscribers that need the pages listing another entry than the one written (adaptations). */
export { readLinked } from './rows';
/** One slug per entry in every locale (Strapi's i18n leaves `uid` fields out of its sync). */
export { slugSyncSubscriber } from './slug-sync';
/** What a write changed, as cache tags (the response cache and the CDNs purge them). */
export { changedTags, changesLocales } from './tags';
