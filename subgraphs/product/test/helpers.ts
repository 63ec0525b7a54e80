import { inject } from 'vitest';
import { connectNats } from '@shop/events';
import { createLogger } from '@shop/kit';
import { ADMIN, postGraphQL, testDbName, waitFor, type GraphQLResponse } from '@shop/harness';
import type { Caller } from '@shop/kit';
import { loadConfig } from '../src/config.js';
import type { ProductEvents } from '../src/events.js';
import { attachProductEvents, startProductService, type StartedProductService } from '../src/server.js';

export async function startProduct(env: Record<string, string> = {}): Promise<StartedProductService> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URL: inject('mongoUrl'),
    MONGODB_DB: testDbName('product'),
    ...env,
  });
  return startProductService(config, createLogger('product', process.env.TEST_LOG_LEVEL ?? 'silent'));
}

export function client(url: string) {
  return <T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    caller: Caller = ADMIN,
  ): Promise<GraphQLResponse<T>> => postGraphQL<T>(url, { query, variables }, { caller });
}

export const CREATE_CATEGORY = /* GraphQL */ `
  mutation ($input: CreateCategoryInput!) {
    createCategory(input: $input) {
      category {
        id
        slug
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;
export const CREATE_PRODUCT = /* GraphQL */ `
  mutation ($input: CreateProductInput!) {
    createProduct(input: $input) {
      product {
        id
        sku
        slug
        name
        price {
          amount
          currency
        }
        status
        availability {
          status
          available
        }
        categories {
          slug
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

let seq = 0;
/** Creates a product through the API as an admin and returns its id. */
export async function createProduct(url: string, input: Partial<Record<string, unknown>> = {}): Promise<string> {
  seq++;
  const res = await client(url)(CREATE_PRODUCT, {
    input: {
      sku: `SKU-${seq}-${Date.now()}`,
      name: `Product ${seq} ${Date.now()}`,
      description: 'test',
      price: 1000,
      categorySlugs: [],
      initialStock: 0,
      ...input,
    },
  });
  const payload = (res.data as any)?.createProduct;
  if (!payload?.product) throw new Error(`createProduct failed: ${JSON.stringify(res)}`);
  return payload.product.id as string;
}

/**
 * Runs the service's event step on `natsUrl` (relay, consumers, listing feed) and waits until its
 * listing read model serves. Returns how to stop it (events, then the connection).
 */
export async function attachBroker(
  svc: StartedProductService,
  natsUrl: string,
): Promise<{ events: ProductEvents; stop: () => Promise<void> }> {
  const log = createLogger('product', process.env.TEST_LOG_LEVEL ?? 'silent');
  const nc = await connectNats(natsUrl, 'product-test', log);
  const events = await attachProductEvents(svc, nc, { RETRY_BASE_DELAY_MS: 50, RETRY_MAX_DELAY_MS: 200, RETRY_BUDGET: 150 }, log);
  await waitFor('the listing read model to serve', () => svc.listing.ready);
  return {
    events,
    stop: async () => {
      await events.stop();
      await nc.drain();
    },
  };
}
