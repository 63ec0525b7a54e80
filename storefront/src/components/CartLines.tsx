import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { CartViewFragment } from '../__generated__/graphql.js';
import { formatMoney } from '../lib/money.js';
import { errorSentence, type LocatedErrors } from '../lib/user-errors.js';

type Line = CartViewFragment['lines'][number];

/** What a line says when the stock no longer covers it (the cart's `available` flag), before any mutation. */
export function stockSentence(line: Line): string | undefined {
  if (line.available) return undefined;
  const left = line.product.availability.available;
  return left > 0 ? `Only ${left} left in stock: lower the quantity.` : 'This product is out of stock: remove it from your cart.';
}

/** The cart's lines as a list; `controls` renders a line's quantity and remove controls (the cart page). */
export function CartLines({
  cart,
  errors,
  controls,
}: {
  cart: CartViewFragment;
  errors?: LocatedErrors;
  controls?: (line: Line) => ReactNode;
}) {
  return (
    <ul className="cart-lines">
      {cart.lines.map((line) => {
        const stock = stockSentence(line);
        const lineErrors = errors?.byProduct.get(line.product.id) ?? [];
        return (
          <li key={line.id} className="cart-line">
            <div className="cart-line-main">
              <Link to={`/products/${encodeURIComponent(line.product.slug)}`}>{line.product.name}</Link>
              <span className="muted">
                {line.quantity} × {formatMoney(line.unitPrice)}
              </span>
              <span className="line-total">{formatMoney(line.lineTotal)}</span>
            </div>
            {controls?.(line)}
            {stock && !lineErrors.length && (
              <p role="alert" className="error">
                {stock}
              </p>
            )}
            {lineErrors.map((e, i) => (
              <p role="alert" className="error" key={`${e.code}-${i}`}>
                {errorSentence(e)}
              </p>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

export function CartTotals({ cart }: { cart: CartViewFragment }) {
  return (
    <dl className="totals" aria-live="polite">
      <dt>Subtotal</dt>
      <dd>{formatMoney(cart.cost.subtotal)}</dd>
      <dt>Tax</dt>
      <dd>{formatMoney(cart.cost.tax)}</dd>
      <dt>Total</dt>
      <dd>
        <strong>{formatMoney(cart.cost.total)}</strong>
      </dd>
    </dl>
  );
}
