import { GraphQLError } from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * A valid document whose operation cannot be picked: an `operationName` that names none of its
 * operations, or several operations and no name. Apollo Server leaves `operation` unset and goes on to
 * execute; `@apollo/gateway` then throws an error without a public code, which the mask turns into an
 * INTERNAL_SERVER_ERROR (and an error log) for what is the client's mistake. This answers it before
 * execution as Apollo's OPERATION_RESOLUTION_FAILURE, HTTP 400, with graphql-js's own message.
 */
export function operationResolutionPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation, request }) => {
          if (operation) return Promise.resolve();
          const message = request.operationName
            ? `Unknown operation named "${request.operationName}".`
            : 'Must provide operation name if query contains multiple operations.';
          return Promise.reject(
            new GraphQLError(message, {
              extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } },
            }),
          );
        },
      }),
  };
}
