import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsReadiness } from '@shop/events';
import {
  createSubgraphServer,
  isConnected,
  startSubgraph,
  type Logger,
  type Readiness,
  type Started,
  type SubgraphServer,
} from '@shop/kit';
import type { InvoiceConfig } from './config.js';
import type { InvoiceContext } from './context.js';
import { signedPdfUrl } from './domain.js';
import { startInvoiceEvents, type InvoiceEvents } from './events.js';
import { Invoices } from './invoices.js';
import { Listing } from './listing.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type InvoiceModels, type PartyDoc } from './model.js';
import { mongoPdfStore, type PdfStore } from './pdf-store.js';
import { resolvers } from './resolvers/index.js';
import { internalRoutes } from './routes.js';
import { serviceClients, type Services } from './services.js';
import { InvoiceStore } from './store.js';

export const typeDefs = parse(readFileSync(new URL('../src/schema.graphql', import.meta.url), 'utf8'));

export interface InvoiceService {
  server: SubgraphServer;
  models: InvoiceModels;
  store: InvoiceStore;
  invoices: Invoices;
  pdfs: PdfStore;
  /** The order call, signed as service:invoice. */
  services: Services;
  /** /readyz checks; the NATS step adds its own. */
  readiness: Readiness[];
}

export function sellerOf(config: InvoiceConfig): PartyDoc {
  return {
    name: config.SELLER_NAME,
    email: config.SELLER_EMAIL,
    address: {
      name: config.SELLER_NAME,
      line1: config.SELLER_ADDRESS_LINE1,
      line2: config.SELLER_ADDRESS_LINE2,
      city: config.SELLER_CITY,
      region: config.SELLER_REGION,
      postalCode: config.SELLER_POSTAL_CODE,
      country: config.SELLER_COUNTRY,
    },
    taxId: config.SELLER_TAX_ID,
  };
}

/** Builds the invoice subgraph on an open connection; no listen and no NATS (tests and index.ts decide that). */
export async function buildInvoiceService(conn: Connection, config: InvoiceConfig, log: Logger): Promise<InvoiceService> {
  const models = createModels(conn);
  const store = new InvoiceStore(models);
  const pdfs = mongoPdfStore(models.Pdf);
  const services = serviceClients({
    orderUrl: config.ORDER_URL,
    signer: config.SIGNING_KEY,
    timeoutMs: config.SERVICE_TIMEOUT_MS,
  });
  const invoices = new Invoices(store, models, pdfs, services, { taxRateBps: config.TAX_RATE_BPS, seller: sellerOf(config) }, log);
  const listing = new Listing(models);
  const readiness: Readiness[] = [{ name: 'mongodb', check: () => isConnected(conn) }];
  const pdfUrl = (id: string) => signedPdfUrl(config.PUBLIC_BASE_URL, config.PDF_LINK_SECRET, id, config.PDF_LINK_TTL);
  const server = await createSubgraphServer<InvoiceContext>({
    name: 'invoice',
    typeDefs,
    resolvers,
    signerKeys: config.SIGNER_KEYS,
    log,
    readiness,
    routes: internalRoutes({ invoices, signerKeys: config.SIGNER_KEYS, maxPdfBytes: config.MAX_PDF_BYTES, log }),
    buildContext: (base) => ({ ...base, loaders: createLoaders(models, pdfs), listing, pdfUrl }),
  });
  return { server, models, store, invoices, pdfs, services, readiness };
}

export type StartedInvoiceService = Started<InvoiceService>;

/** Connects, creates indexes and listens (see `startSubgraph`). */
export function startInvoiceService(config: InvoiceConfig, log: Logger): Promise<StartedInvoiceService> {
  return startSubgraph({
    mongoUrl: config.MONGODB_URL,
    dbName: config.MONGODB_DB,
    port: config.PORT,
    host: config.HOST,
    build: (conn) => buildInvoiceService(conn, config, log),
    models: (service) => allModels(service.models),
  });
}

/** The NATS step: streams, the outbox relay, the order.paid consumer, and a /readyz check on the connection. */
export async function attachInvoiceEvents(
  service: InvoiceService,
  nc: NatsConnection,
  config: InvoiceConfig,
  log: Logger,
  opts: { concurrency?: number } = {},
): Promise<InvoiceEvents> {
  const events = await startInvoiceEvents(service, { nc, config, log, ...opts });
  service.readiness.push(natsReadiness(nc));
  return events;
}
