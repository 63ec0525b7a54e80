/** Money arrives in minor units of an ISO 4217 currency (never a float): shown with the currency's own decimals. */
export interface MoneyValue {
  amount: number;
  currency: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return f;
}

/** `{ amount: 1999, currency: 'EUR' }` → `€19.99`; `{ amount: 500, currency: 'JPY' }` → `¥500`. */
export function formatMoney(money: MoneyValue, locale = 'en-US'): string {
  const f = formatterFor(money.currency, locale);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(money.amount / 10 ** digits);
}

/** A price typed in major units (the catalog's price range) as minor units, or undefined when empty or invalid. */
export function toMinorUnits(text: string, digits = 2): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Math.round(Number(trimmed) * 10 ** digits);
}
