import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from '@apollo/client/react';
import { CheckoutDocument } from '../__generated__/graphql.js';
import { useAuth } from '../auth.js';
import { CartLines, CartTotals } from '../components/CartLines.js';
import { RequestError, UserErrors } from '../components/Errors.js';
import { useCart } from '../cart.js';
import { formText } from '../lib/form.js';
import { idempotencyKeys } from '../lib/keys.js';
import { locateErrors, type LocatedErrors } from '../lib/user-errors.js';

/** Kept in sessionStorage: a reload or a second click re-sends the same key, so one order at most. */
export const sessionKeys = idempotencyKeys(window.sessionStorage);

const field = formText;

export function CheckoutPage() {
  const { cart, cartId, forget } = useCart();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [checkout, { loading }] = useMutation(CheckoutDocument);
  const [errors, setErrors] = useState<LocatedErrors>();
  const [failure, setFailure] = useState<unknown>();

  if (!cart || !cartId || cart.lines.length === 0) {
    return (
      <section>
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <Link to="/">Browse the catalog</Link>
        </p>
      </section>
    );
  }

  async function placeOrder(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading || !cartId || !cart) return;
    const form = new FormData(event.currentTarget);
    const purpose = `checkout:${cartId}`;
    setFailure(undefined);
    try {
      const result = await checkout({
        variables: {
          input: {
            cartId,
            email: field(form, 'email'),
            phone: field(form, 'phone') || null,
            shippingAddress: {
              name: field(form, 'name'),
              line1: field(form, 'street'),
              city: field(form, 'city'),
              postalCode: field(form, 'postalCode'),
              country: field(form, 'country').toUpperCase(),
            },
            idempotencyKey: sessionKeys.keyFor(purpose),
          },
        },
      });
      const payload = result.data?.checkout;
      if (payload?.order) {
        sessionKeys.clear(purpose);
        forget();
        await navigate(`/orders/${encodeURIComponent(payload.order.id)}`);
        return;
      }
      setErrors(
        locateErrors(
          payload?.userErrors ?? [],
          [],
          cart.lines.map((l) => l.product.id),
        ),
      );
    } catch (err) {
      // The key stays: retrying after a network error re-sends it and cannot make a second order.
      setFailure(err);
    }
  }

  const name = typeof user?.profile.name === 'string' ? user.profile.name : '';
  const email = typeof user?.profile.email === 'string' ? user.profile.email : '';
  return (
    <section aria-labelledby="checkout-heading" className="checkout">
      <h1 id="checkout-heading">Checkout</h1>
      <CartLines cart={cart} errors={errors} />
      <CartTotals cart={cart} />
      <form onSubmit={(e) => void placeOrder(e)} className="checkout-form" aria-describedby="checkout-errors">
        <fieldset>
          <legend>Contact</legend>
          <label>
            Email
            <input type="email" name="email" required autoComplete="email" defaultValue={email} />
          </label>
          <label>
            Phone
            <input type="tel" name="phone" autoComplete="tel" placeholder="+49 30 1234567" />
          </label>
        </fieldset>
        <fieldset>
          <legend>Shipping address</legend>
          <label>
            Full name
            <input name="name" required autoComplete="name" defaultValue={name} />
          </label>
          <label>
            Street
            <input name="street" required autoComplete="address-line1" />
          </label>
          <label>
            City
            <input name="city" required autoComplete="address-level2" />
          </label>
          <label>
            Postal code
            <input name="postalCode" required autoComplete="postal-code" />
          </label>
          <label>
            Country
            <input
              name="country"
              required
              autoComplete="country"
              pattern="[A-Za-z]{2}"
              maxLength={2}
              title="Two-letter country code, e.g. DE"
              aria-describedby="country-hint"
            />
          </label>
          <p id="country-hint" className="muted">
            Two-letter code, e.g. DE, FR, US.
          </p>
        </fieldset>
        <UserErrors id="checkout-errors" errors={errors?.general} />
        <RequestError error={failure} />
        <button type="submit" disabled={loading} aria-busy={loading}>
          Place order
        </button>
        <p role="status">{loading ? 'Placing your order…' : ''}</p>
      </form>
    </section>
  );
}
