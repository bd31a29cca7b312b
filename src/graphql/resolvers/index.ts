import type { Resolvers } from '../../../types/graphql/resolvers';
import { clinicResolvers } from './clinic';
import { contentResolvers } from './content';
import { pageResolvers } from './page';
import { scalarResolvers } from './scalars';
import { syncResolvers } from './sync';

/** One module per domain; makeExecutableSchema merges them (each owns distinct fields). */
export const resolverModules: Resolvers[] = [scalarResolvers, contentResolvers, clinicResolvers, pageResolvers, syncResolvers];
