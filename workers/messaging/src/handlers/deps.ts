import type { EventEnvelope, EventSubject } from '@shop/events';
import type { InvoicePdfSource, OrderDirectory } from '../services.js';
import type { Notifier } from '../notifications.js';
import type { TemplateContext } from '../templates/index.js';

/** What handlers use; tests pass their own. */
export interface HandlerDeps {
  notifier: Notifier;
  orders: OrderDirectory;
  invoices: InvoicePdfSource;
  templates: TemplateContext;
}

export type Handler<S extends EventSubject> = (event: EventEnvelope<S>) => Promise<void>;
