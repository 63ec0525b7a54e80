import type { ApolloServerPlugin } from '@apollo/server';
import { forbidden } from '@shop/kit';
import type { GatewayContext } from '../context.js';
import type { UsageCounter } from './usage.js';

/**
 * For partner requests: checks that what resolved is exactly the admitted persisted operation (the
 * edge already refused anything else; this is the second lock) and counts usage per partner and
 * operation, failures included.
 */
export function partnerPlugin(usage: UsageCounter): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: ({ contextValue }) => {
      const partner = contextValue.partner;
      if (!partner) return Promise.resolve();
      return Promise.resolve({
        didResolveOperation: ({ queryHash }) =>
          queryHash === partner.operationId
            ? Promise.resolve()
            : Promise.reject(forbidden('Partners run only their granted persisted operations')),
        willSendResponse: ({ response }) => {
          const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          usage.record(partner.name, partner.operationId, partner.operationName, failed);
          return Promise.resolve();
        },
      });
    },
  };
}
