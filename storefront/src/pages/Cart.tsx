import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from '@apollo/client/react';
import { RemoveCartLinesDocument, UpdateCartLinesDocument, type CartViewFragment } from '../__generated__/graphql.js';
import { CartLines, CartTotals } from '../components/CartLines.js';
import { RequestError, UserErrors } from '../components/Errors.js';
import { useCart } from '../cart.js';
import { locateErrors, type LocatedErrors, type UserErrorValue } from '../lib/user-errors.js';

type Line = CartViewFragment['lines'][number];

/** A line's quantity: typed freely, sent a moment after the last keystroke (0 removes the line). */
function QuantityInput({ line, onCommit }: { line: Line; onCommit: (quantity: number) => void }) {
  const [value, setValue] = useState(String(line.quantity));
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => setValue(String(line.quantity)), [line.quantity]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const change = (text: string) => {
    setValue(text);
    clearTimeout(timer.current);
    const quantity = Number(text);
    if (text === '' || !Number.isInteger(quantity) || quantity < 0 || quantity === line.quantity) return;
    timer.current = setTimeout(() => onCommit(quantity), 400);
  };
  return (
    <label className="quantity">
      <span className="visually-hidden">Quantity for {line.product.name}</span>
      <input type="number" min={0} max={99} inputMode="numeric" value={value} onChange={(e) => change(e.target.value)} />
    </label>
  );
}

export function CartPage() {
  const { cart, loading, cartId } = useCart();
  const navigate = useNavigate();
  const [updateLines] = useMutation(UpdateCartLinesDocument);
  const [removeLines] = useMutation(RemoveCartLinesDocument);
  const [errors, setErrors] = useState<LocatedErrors>();
  const [failure, setFailure] = useState<unknown>();

  async function run(sentProductIds: string[], mutate: () => Promise<readonly UserErrorValue[]>) {
    setFailure(undefined);
    try {
      const userErrors = await mutate();
      setErrors(locateErrors(userErrors, sentProductIds, cart?.lines.map((l) => l.product.id) ?? []));
    } catch (err) {
      setFailure(err);
    }
  }
  const setQuantity = (productId: string, quantity: number) =>
    cartId &&
    void run([productId], async () => {
      const r = await updateLines({ variables: { cartId, lines: [{ productId, quantity }] } });
      return r.data?.updateCartLines.userErrors ?? [];
    });
  const remove = (productId: string) =>
    cartId &&
    void run([productId], async () => {
      const r = await removeLines({ variables: { cartId, productIds: [productId] } });
      return r.data?.removeCartLines.userErrors ?? [];
    });

  if (loading && !cart) return <p>Loading your cart…</p>;
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Cart</h1>
      <RequestError error={failure} />
      <UserErrors errors={errors?.general} />
      {!cart || cart.lines.length === 0 ? (
        <p>
          Your cart is empty. <Link to="/">Browse the catalog</Link>
        </p>
      ) : (
        <>
          <CartLines
            cart={cart}
            errors={errors}
            controls={(line) => (
              <div className="line-controls">
                <QuantityInput line={line} onCommit={(q) => setQuantity(line.product.id, q)} />
                <button type="button" className="secondary" onClick={() => remove(line.product.id)}>
                  Remove<span className="visually-hidden"> {line.product.name}</span>
                </button>
              </div>
            )}
          />
          <CartTotals cart={cart} />
          <button type="button" onClick={() => void navigate('/checkout')}>
            Checkout
          </button>
        </>
      )}
    </section>
  );
}
