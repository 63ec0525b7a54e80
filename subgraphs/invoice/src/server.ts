import { defineSubgraph, type EventsContext, type SubgraphBase } from '@shop/events';
import type { Started } from '@shop/kit';
import type { InvoiceConfig } from './config.js';
import type { InvoiceContext } from './context.js';
import { sellerOf, signedPdfUrl } from './domain.js';
import { startInvoiceEvents, type InvoiceEvents } from './events.js';
import { Invoices } from './invoices.js';
import { Listing } from './listing.js';
import { createLoaders } from './loaders.js';
import { allModels, createModels, type InvoiceModels } from './model.js';
import { mongoPdfStore, type PdfStore } from './pdf-store.js';
import { resolvers } from './resolvers/index.js';
import { internalRoutes } from './routes.js';
import { serviceClients, type Services } from './services.js';
import { InvoiceStore } from './store.js';

export interface InvoiceService extends SubgraphBase {
  models: InvoiceModels;
  store: InvoiceStore;
  invoices: Invoices;
  pdfs: PdfStore;
  listing: Listing;
  /** The order call, signed as service:invoice. */
  services: Services;
}

/**
 * The invoice subgraph: GraphQL and the internal PDF routes over its database; the NATS step starts the
 * outbox relay and the `order.paid` consumer.
 */
export const invoiceSubgraph = defineSubgraph({
  name: 'invoice',
  schema: new URL('../src/schema.graphql', import.meta.url),
  resolvers,
  parts: (conn, config: InvoiceConfig, log): Omit<InvoiceService, keyof SubgraphBase> => {
    const models = createModels(conn);
    const store = new InvoiceStore(models);
    const pdfs = mongoPdfStore(models.Pdf);
    const services = serviceClients({ orderUrl: config.ORDER_URL, signer: config.SIGNING_KEY, timeoutMs: config.SERVICE_TIMEOUT_MS });
    const invoices = new Invoices(store, models, pdfs, services, { taxRateBps: config.TAX_RATE_BPS, seller: sellerOf(config) }, log);
    return { models, store, invoices, pdfs, listing: new Listing(models), services };
  },
  models: (parts) => allModels(parts.models),
  routes: (parts, config, log) =>
    internalRoutes({ invoices: parts.invoices, signerKeys: config.SIGNER_KEYS, maxPdfBytes: config.MAX_PDF_BYTES, log }),
  context: (parts, base, config): InvoiceContext => ({
    ...base,
    loaders: createLoaders(parts.models, parts.pdfs),
    listing: parts.listing,
    pdfUrl: (id) => signedPdfUrl(config.PUBLIC_BASE_URL, config.PDF_LINK_SECRET, id, config.PDF_LINK_TTL),
  }),
  events: (service, o: EventsContext<InvoiceConfig>): Promise<InvoiceEvents> => startInvoiceEvents(service, o),
  ready: (_service, config) => ({ orderUrl: config.ORDER_URL }),
});

type InvoiceSubgraph = typeof invoiceSubgraph;
export const buildInvoiceService: InvoiceSubgraph['build'] = invoiceSubgraph.build;
export const startInvoiceService: InvoiceSubgraph['start'] = invoiceSubgraph.start;
export const attachInvoiceEvents: InvoiceSubgraph['attach'] = invoiceSubgraph.attach;
export type StartedInvoiceService = Started<InvoiceService>;
