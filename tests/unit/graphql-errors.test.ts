import { GraphQLError } from 'graphql';
import { PageRequestError } from '../../src/content/scope';
import { clientError, createErrorFormatter } from '../../src/graphql/errors';

describe('GraphQL error codes', () => {
  const logged: unknown[] = [];
  const format = createErrorFormatter((error) => logged.push(error));

  beforeEach(() => {
    logged.length = 0;
  });

  it('keeps our codes and drops the HTTP detail from the response', () => {
    const error = clientError('UNAUTHENTICATED', 'No key.');
    expect(format({ message: error.message, extensions: error.extensions }, error)).toEqual({ message: 'No key.', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('reports a query the client got wrong as BAD_USER_INPUT, keeping the reason', () => {
    const error = new GraphQLError('Cannot query field "accessKeys" on type "Clinic".', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(format({ message: error.message, extensions: error.extensions }, error).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
  });

  it('turns a bad page request into BAD_USER_INPUT with its message', () => {
    const error = new GraphQLError('wrapped', { originalError: new PageRequestError('pageSize must be between 1 and 100, not 500'), path: ['conditions'] });
    expect(format({ message: 'wrapped', path: ['conditions'] }, error)).toEqual({ message: 'pageSize must be between 1 and 100, not 500', path: ['conditions'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('hides unexpected errors behind INTERNAL and logs them', () => {
    const failure = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const error = new GraphQLError(failure.message, { originalError: failure, path: ['therapyPage'] });
    expect(format({ message: failure.message, path: ['therapyPage'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error)).toEqual({
      message: 'Internal server error',
      locations: undefined,
      path: ['therapyPage'],
      extensions: { code: 'INTERNAL' },
    });
    expect(logged).toEqual([failure]);
  });
});
