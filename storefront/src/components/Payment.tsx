import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { PayOrderDocument, type OrderViewFragment } from '../__generated__/graphql.js';
import { sessionKeys } from '../pages/Checkout.js';
import { RequestError, UserErrors } from './Errors.js';

/** The payment sandbox's test tokens (sandboxes/payment/README.md). */
export const TEST_CARDS = [
  ['tok_visa', 'Visa (tok_visa): succeeds'],
  ['tok_declined', 'Declined card (tok_declined)'],
  ['tok_3ds', '3DS: needs authentication (tok_3ds)'],
] as const;

type Payment = OrderViewFragment['payments'][number];

/** The newest payment waiting for 3-D Secure: its provider page, opened in a new tab; the order page updates when it settles. */
export function ActionRequired({ payment }: { payment: Payment | undefined }) {
  if (payment?.status !== 'REQUIRES_ACTION' || !payment.nextActionUrl) return null;
  return (
    <div className="notice" role="status">
      <p>Your bank asks you to confirm this payment.</p>
      <a href={payment.nextActionUrl} target="_blank" rel="noopener noreferrer" className="button-link">
        Complete 3-D Secure authentication (opens a new tab)
      </a>
      <p className="muted">Come back to this tab afterwards: it shows the payment as soon as it is confirmed.</p>
    </div>
  );
}

/**
 * Pays a PENDING_PAYMENT order with a test card. One idempotency key per attempt (sessionStorage), named
 * after the number of payments the order has: a double click, a retry after a network error or a reload
 * before the payment is recorded re-sends the same key and gets the same payment; once a declined payment
 * is recorded, the next attempt (another card) is a new payment with a new key.
 */
export function PaymentForm({ order, onPaid }: { order: OrderViewFragment; onPaid: () => void }) {
  const [pay, { loading }] = useMutation(PayOrderDocument);
  const [card, setCard] = useState<string>(TEST_CARDS[0][0]);
  const [result, setResult] = useState<{ errors?: readonly { code: string; message: string }[]; failure?: unknown }>();
  const purpose = `pay:${order.id}:${order.payments.length}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (loading) return;
    setResult(undefined);
    try {
      const r = await pay({ variables: { input: { orderId: order.id, paymentToken: card, idempotencyKey: sessionKeys.keyFor(purpose) } } });
      const payload = r.data?.payOrder;
      // A recorded payment (even a declined one, shown by the order page) ends this attempt.
      if (payload?.payment || payload?.userErrors.some((e) => e.code !== 'PAYMENT_IN_PROGRESS')) sessionKeys.clear(purpose);
      // A declined payment is recorded and the order page says why, once; the form shows only what recorded nothing.
      setResult({ errors: payload?.payment?.status === 'FAILED' ? [] : payload?.userErrors });
      onPaid();
    } catch (failure) {
      setResult({ failure });
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="payment-form" aria-labelledby="payment-heading">
      <h2 id="payment-heading">Payment</h2>
      <label>
        Test card
        <select value={card} onChange={(e) => setCard(e.target.value)}>
          {TEST_CARDS.map(([token, label]) => (
            <option key={token} value={token}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={loading} aria-busy={loading}>
        Pay
      </button>
      <p role="status">{loading ? 'Sending your payment…' : ''}</p>
      <UserErrors errors={result?.errors} />
      <RequestError error={result?.failure} />
    </form>
  );
}
