import { DateResolver, DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import type { Resolvers } from '../../../types/graphql/resolvers';

export const scalarResolvers: Resolvers = {
  JSONObject: JSONObjectResolver,
  Date: DateResolver,
  DateTime: DateTimeResolver,
};
