import { orderCancelledEmail } from '../templates/index.js';
import type { Handler, HandlerDeps } from './deps.js';

/** `order.cancelled`: an email. */
export const orderCancelled =
  (deps: HandlerDeps): Handler<'shop.order.cancelled.v1'> =>
  async (event) => {
    await deps.notifier.email(event, { to: event.data.email, ...orderCancelledEmail(deps.templates, event.data) });
  };
