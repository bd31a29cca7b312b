/** The write pipeline: one typed change per write, its subscribers, and the settle point (pipeline.ts). */
export * from './change';
export { writePipeline, type WritePipeline } from './pipeline';
export { mountHttpSettle } from './settle';
