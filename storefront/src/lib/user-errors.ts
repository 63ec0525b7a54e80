/**
 * `userErrors` as sentences a shopper reads, and the cart line each one concerns. Codes are the stable
 * part of the API (ARCHITECTURE.md §4); messages are for developers, so only numbers are taken from them.
 */
export interface UserErrorValue {
  code: string;
  message: string;
  field?: readonly string[] | null;
}

/** "only 2 left of product …" → 2. */
export function unitsLeft(message: string): number | undefined {
  const m = /only (\d+) left/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

const SENTENCES: Record<string, (e: UserErrorValue) => string> = {
  OUT_OF_STOCK: (e) => {
    const left = unitsLeft(e.message);
    if (left === undefined) return 'There is not enough stock for this quantity.';
    if (left === 0) return 'This product is out of stock.';
    return `Only ${left} left in stock: lower the quantity.`;
  },
  PRODUCT_UNAVAILABLE: () => 'This product is no longer sold: remove it from your cart.',
  PRODUCT_NOT_FOUND: () => 'This product does not exist any more: remove it from your cart.',
  INVALID_QUANTITY: () => 'Choose a quantity between 1 and 99.',
  TOO_MANY_LINES: () => 'Your cart holds as many different products as it can.',
  CART_NOT_FOUND: () => 'Your cart could not be found; a new one will be started.',
  CART_NOT_ACTIVE: () => 'This cart has already been checked out or merged; a new one will be started.',
  CART_EMPTY: () => 'Your cart is empty.',
  INVALID_EMAIL: () => 'Enter a valid email address.',
  INVALID_ADDRESS: () => 'Check the shipping address: street, city, postal code and a two-letter country code are needed.',
  ORDER_NOT_FOUND: () => 'This order could not be found.',
  ORDER_NOT_PAYABLE: () => 'This order cannot be paid any more.',
  ORDER_NOT_CANCELLABLE: () => 'This order can no longer be cancelled.',
  INVALID_TRANSITION: () => 'This order cannot change that way.',
  PAYMENT_IN_PROGRESS: () => 'A payment for this order is already in progress.',
  CARD_DECLINED: () => 'Your card was declined. Try another card.',
  INSUFFICIENT_FUNDS: () => 'Your card has insufficient funds. Try another card.',
  INVALID_PAYMENT_TOKEN: () => 'This card could not be used. Try another card.',
  PROVIDER_UNAVAILABLE: () => 'The payment provider is not reachable right now. Please try again in a moment.',
  PAYMENT_NOT_FOUND: () => 'This payment could not be found.',
};

/** The sentence shown for a user error; an unknown code still says something true. */
export function errorSentence(error: UserErrorValue): string {
  const sentence = SENTENCES[error.code];
  return sentence ? sentence(error) : `Something could not be done (${error.code}).`;
}

/** The sentence for a payment's failure code (`Payment.failureCode`), or undefined when none. */
export function paymentFailureSentence(code: string | null | undefined): string | undefined {
  return code ? errorSentence({ code, message: '' }) : undefined;
}

export interface LocatedErrors {
  /** productId → the errors about that line. */
  byProduct: Map<string, UserErrorValue[]>;
  /** Errors that concern no single line (shown above the cart). */
  general: UserErrorValue[];
}

/**
 * Places each error next to the line it concerns: by the index in `field` (`["lines", "0", "quantity"]`
 * points into the lines the mutation sent, `sentProductIds`), else by a product id the message names
 * (checkout says `product <id>` with `field: ["input", "cartId"]`), else above the cart.
 */
export function locateErrors(
  errors: readonly UserErrorValue[],
  sentProductIds: readonly string[],
  cartProductIds: readonly string[],
): LocatedErrors {
  const byProduct = new Map<string, UserErrorValue[]>();
  const general: UserErrorValue[] = [];
  const add = (productId: string, e: UserErrorValue) => byProduct.set(productId, [...(byProduct.get(productId) ?? []), e]);
  for (const e of errors) {
    const field = e.field ?? [];
    const at = field.findIndex((part) => part === 'lines' || part === 'productIds');
    const index = at >= 0 ? Number(field[at + 1]) : NaN;
    const sent = Number.isInteger(index) ? sentProductIds[index] : undefined;
    const named = cartProductIds.find((id) => e.message.includes(id));
    const productId = sent ?? named;
    if (productId) add(productId, e);
    else general.push(e);
  }
  return { byProduct, general };
}
