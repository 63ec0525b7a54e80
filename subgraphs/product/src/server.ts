import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import {
  createSubgraphServer,
  isConnected,
  startSubgraph,
  type Logger,
  type Readiness,
  type Started,
  type SubgraphServer,
} from '@shop/kit';
import { CatalogAdmin } from './admin.js';
import { Catalog } from './catalog.js';
import type { ProductConfig } from './config.js';
import type { ProductContext } from './context.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type ProductModels } from './model.js';
import { Reservations } from './reservations.js';
import { ProductRevisions } from './revisions.js';
import { resolvers } from './resolvers/index.js';
import { StockLedger } from './stock.js';

export const typeDefs = parse(readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8'));

export interface ProductService {
  server: SubgraphServer;
  models: ProductModels;
  ledger: StockLedger;
  reservations: Reservations;
  /** /readyz checks; the NATS step (events.ts) adds its own. */
  readiness: Readiness[];
}

/** Builds the product subgraph on an open connection; no listen (tests and index.ts decide that). */
export async function buildProductService(conn: Connection, config: ProductConfig, log: Logger): Promise<ProductService> {
  const models = createModels(conn);
  const ledger = new StockLedger(models);
  const reservations = new Reservations(models, ledger, log);
  const catalog = new Catalog(models);
  const admin = new CatalogAdmin(models, new ProductRevisions(models), ledger);
  const readiness: Readiness[] = [{ name: 'mongodb', check: () => isConnected(conn) }];
  const server = await createSubgraphServer<ProductContext>({
    name: 'product',
    typeDefs,
    resolvers,
    signerKeys: config.SIGNER_KEYS,
    log,
    readiness,
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
  return { server, models, ledger, reservations, readiness };
}

export type StartedProductService = Started<ProductService>;

/** Connects, creates indexes and listens (see `startSubgraph`). */
export function startProductService(config: ProductConfig, log: Logger): Promise<StartedProductService> {
  return startSubgraph({
    mongoUrl: config.MONGODB_URL,
    dbName: config.MONGODB_DB,
    port: config.PORT,
    host: config.HOST,
    build: (conn) => buildProductService(conn, config, log),
    models: (service) => allModels(service.models),
  });
}
