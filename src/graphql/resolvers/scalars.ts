import { DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../../../types/graphql/resolvers';

export const scalarResolvers: Resolvers = {
  JSON: JSONResolver,
  Date: DateResolver,
  DateTime: DateTimeResolver,
};
