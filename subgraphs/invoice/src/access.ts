import { isService, mayUseOwned, type Caller } from '@shop/kit';

/**
 * Who may see an invoice (docs/design.md §7): the rule of its order. A guest order's invoice: whoever
 * holds the id. A customer's: that customer. Admins: all. Anything else looks like "does not exist".
 */
export const mayRead = (caller: Caller, invoice: { customerId: string | null }): boolean => mayUseOwned(caller, invoice.customerId);

/** Internal HTTP routes: who may call which. */
export const INTERNAL_READERS = ['invoice-renderer', 'messaging', 'gateway'];
export const PDF_READERS = ['gateway', 'messaging'];
export const PDF_WRITERS = ['invoice-renderer'];

export const isOneOf = (caller: Caller, services: readonly string[]) => services.some((s) => isService(caller, s));
