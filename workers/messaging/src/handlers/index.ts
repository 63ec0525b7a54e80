import type { EventSubject } from '@shop/events';
import type { Handler, HandlerDeps } from './deps.js';
import { invoiceRendered } from './invoice-rendered.js';
import { orderCancelled } from './order-cancelled.js';
import { orderDelivered } from './order-delivered.js';
import { orderPlaced } from './order-placed.js';
import { orderShipped } from './order-shipped.js';
import { paymentFailed } from './payment-failed.js';
import { paymentRefunded } from './payment-refunded.js';

export type { Handler, HandlerDeps } from './deps.js';

/** One handler per subject messaging consumes (docs/design.md §5 step 6). */
export function messagingHandlers(deps: HandlerDeps) {
  return {
    'shop.order.placed.v1': orderPlaced(deps),
    'shop.payment.failed.v1': paymentFailed(deps),
    'shop.invoice.rendered.v1': invoiceRendered(deps),
    'shop.order.shipped.v1': orderShipped(deps),
    'shop.order.delivered.v1': orderDelivered(deps),
    'shop.order.cancelled.v1': orderCancelled(deps),
    'shop.payment.refunded.v1': paymentRefunded(deps),
  } satisfies { [S in EventSubject]?: Handler<S> };
}

export type MessagingSubject = keyof ReturnType<typeof messagingHandlers>;
