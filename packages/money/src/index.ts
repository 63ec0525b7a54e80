/**
 * Money and tax for the whole shop: integer minor units, one store currency, tax per line rounded
 * half-up (docs/design.md §3). Cart, order and invoice all price through this module so that a total
 * shown in the cart is, to the cent, the total on the invoice.
 */

/** An amount in minor units of an ISO 4217 currency. Never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export interface PricedLine {
  readonly unitPrice: number;
  readonly quantity: number;
}

export interface LineCost {
  readonly lineTotal: number;
  readonly tax: number;
}

export interface Totals {
  readonly subtotal: number;
  readonly tax: number;
  readonly total: number;
  readonly lines: readonly LineCost[];
}

const CURRENCY = /^[A-Z]{3}$/;

export function assertMinorUnits(amount: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`${what} must be a safe integer number of minor units, got ${amount}`);
  }
}

export function money(amount: number, currency: string): Money {
  assertMinorUnits(amount);
  if (!CURRENCY.test(currency)) throw new RangeError(`currency must be an ISO 4217 code, got ${currency}`);
  return { amount, currency };
}

/**
 * `amount × bps / 10 000`, rounded half-up (away from zero for negative amounts), in integers only.
 * Works for any safe-integer amount because the product stays well below 2^53 for realistic totals;
 * a product beyond that is refused rather than silently rounded.
 */
export function taxOf(amount: number, rateBps: number): number {
  assertMinorUnits(amount);
  if (!Number.isInteger(rateBps) || rateBps < 0 || rateBps > 100_000) {
    throw new RangeError(`tax rate must be 0..100000 basis points, got ${rateBps}`);
  }
  const product = Math.abs(amount) * rateBps;
  assertMinorUnits(product, 'amount × rate');
  const rounded = Math.floor((product + 5_000) / 10_000);
  return amount < 0 ? -rounded : rounded;
}

/** Line total and its tax, half-up per line, then summed (docs/design.md §3). */
export function priceLines(lines: readonly PricedLine[], rateBps: number): Totals {
  let subtotal = 0;
  let tax = 0;
  const out: LineCost[] = [];
  for (const line of lines) {
    assertMinorUnits(line.unitPrice, 'unitPrice');
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) {
      throw new RangeError(`quantity must be a non-negative integer, got ${line.quantity}`);
    }
    const lineTotal = line.unitPrice * line.quantity;
    assertMinorUnits(lineTotal, 'lineTotal');
    const lineTax = taxOf(lineTotal, rateBps);
    subtotal += lineTotal;
    tax += lineTax;
    out.push({ lineTotal, tax: lineTax });
  }
  assertMinorUnits(subtotal + tax, 'total');
  return { subtotal, tax, total: subtotal + tax, lines: out };
}

/** Human formatting for documents and messages, e.g. `formatMoney({amount: 123456, currency: 'USD'})` → `$1,234.56`. */
export function formatMoney(value: Money, locale = 'en-US'): string {
  const digits =
    new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(value.amount / 10 ** digits);
}
