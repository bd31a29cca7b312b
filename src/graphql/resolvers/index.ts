import type { Resolvers } from '../../../types/graphql/resolvers';
import { clinicResolvers } from './clinic';
import { contentResolvers } from './content';
import { pageResolvers } from './page';
import { scalarResolvers } from './scalars';

/** All resolvers, merged per type (each module owns distinct fields). */
export function buildResolvers(): Resolvers {
  const modules: Resolvers[] = [scalarResolvers, contentResolvers, clinicResolvers, pageResolvers];
  const merged: Record<string, unknown> = {};
  for (const module of modules) {
    for (const [type, fields] of Object.entries(module)) {
      const existing = merged[type];
      merged[type] = existing && typeof existing === 'object' && typeof fields === 'object' && !('serialize' in (fields as object)) ? { ...existing, ...fields } : fields;
    }
  }
  return merged as Resolvers;
}
