import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import { connectMongo, createSubgraphServer, ensureIndexes, isConnected, type Logger, type SubgraphServer } from '@shop/kit';
import { CatalogAdmin } from './admin.js';
import { Catalog } from './catalog.js';
import type { ProductConfig } from './config.js';
import type { ProductContext } from './context.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type ProductModels } from './model.js';
import { Reservations } from './reservations.js';
import { resolvers } from './resolvers/index.js';
import { StockLedger } from './stock.js';

export const typeDefs = parse(readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8'));

export interface ProductService {
  server: SubgraphServer;
  models: ProductModels;
  ledger: StockLedger;
  reservations: Reservations;
}

/** Builds the product subgraph on an open connection; no listen (tests and index.ts decide that). */
export async function buildProductService(conn: Connection, config: ProductConfig, log: Logger): Promise<ProductService> {
  const models = createModels(conn);
  const ledger = new StockLedger(models);
  const reservations = new Reservations(models, ledger, log);
  const catalog = new Catalog(models);
  const admin = new CatalogAdmin(models, ledger);
  const server = await createSubgraphServer<ProductContext>({
    name: 'product',
    typeDefs,
    resolvers,
    signingSecret: config.GATEWAY_SIGNING_SECRET,
    log,
    readiness: [{ name: 'mongodb', check: () => isConnected(conn) }],
    buildContext: (base) => ({
      ...base,
      config,
      loaders: createLoaders(models, ledger, config.LOW_STOCK_THRESHOLD),
      catalog,
      admin,
      ledger,
      reservations,
    }),
  });
  return { server, models, ledger, reservations };
}

export interface StartedProductService extends ProductService {
  url: string;
  conn: Connection;
  close: () => Promise<void>;
}

/** Connects, creates indexes and listens: the composition root's steps, shared with tests and `npm start`. */
export async function startProductService(config: ProductConfig, log: Logger): Promise<StartedProductService> {
  const conn = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  const service = await buildProductService(conn, config, log);
  await ensureIndexes(allModels(service.models));
  const running = await service.server.listen(config.PORT, config.HOST);
  return {
    ...service,
    conn,
    url: `${running.url}/graphql`,
    close: async () => {
      await running.close();
      await conn.close();
    },
  };
}
