import { defineSubgraph, type ConsumerSettings, type EventsContext, type SubgraphBase } from '@shop/events';
import type { Started } from '@shop/kit';
import { CatalogAdmin } from './admin.js';
import { Catalog } from './listing.js';
import { ListingReadModel } from './listing-feed.js';
import type { ProductConfig } from './config.js';
import type { ProductContext } from './context.js';
import { startProductEvents, type ProductEvents } from './events.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type ProductModels } from './model.js';
import { Reservations } from './reservations.js';
import { ProductRevisions } from './revisions.js';
import { resolvers } from './resolvers/index.js';
import { StockLedger } from './stock.js';
import { startReservationSweeper } from './sweeper.js';

export interface ProductService extends SubgraphBase {
  models: ProductModels;
  ledger: StockLedger;
  reservations: Reservations;
  catalog: Catalog;
  admin: CatalogAdmin;
  revisions: ProductRevisions;
  /** This replica's listing read model (docs/design.md §9), fed by the event step. */
  listing: ListingReadModel;
}

/**
 * The product subgraph: catalog and stock over its database; the NATS step starts the reservation
 * consumers, the outbox relay and the listing read model's feed; the sweeper releases reservations
 * nobody confirmed.
 */
export const productSubgraph = defineSubgraph({
  name: 'product',
  schema: new URL('../src/schema.graphql', import.meta.url),
  resolvers,
  parts: (conn, _config: ProductConfig, log): Omit<ProductService, keyof SubgraphBase> => {
    const models = createModels(conn);
    const ledger = new StockLedger(models);
    const reservations = new Reservations(models, ledger, log);
    const listing = new ListingReadModel(models, log);
    const revisions = new ProductRevisions(models);
    // This replica's own writes reach its model before they are acknowledged.
    revisions.onChanged = (product) => listing.applyProduct(product);
    ledger.onAppended = (productId, level) => listing.applyStock(productId.toHexString(), level);
    const catalog = new Catalog(models, listing);
    const admin = new CatalogAdmin(models, revisions, ledger);
    return { models, ledger, reservations, catalog, admin, revisions, listing };
  },
  models: (parts) => allModels(parts.models),
  context: (parts, base, config): ProductContext => ({
    ...base,
    config,
    loaders: createLoaders(parts.models, parts.ledger, config.LOW_STOCK_THRESHOLD),
    catalog: parts.catalog,
    admin: parts.admin,
    ledger: parts.ledger,
    reservations: parts.reservations,
  }),
  events: (service, o: EventsContext<ConsumerSettings>): Promise<ProductEvents> => startProductEvents(service, o),
  background: (service, config, log) => [
    ['stop sweeper', startReservationSweeper(service.reservations, config.RESERVATION_TTL, config.RESERVATION_SWEEP_INTERVAL, log)],
  ],
});

type ProductSubgraph = typeof productSubgraph;
export const startProductService: ProductSubgraph['start'] = productSubgraph.start;
export const attachProductEvents: ProductSubgraph['attach'] = productSubgraph.attach;
export type StartedProductService = Started<ProductService>;
