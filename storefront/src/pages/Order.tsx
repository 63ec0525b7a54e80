import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { OrderDocument, type OrderStatus } from '../__generated__/graphql.js';
import { accessTokenOf, useAuth } from '../auth.js';
import { useConfig } from '../config-context.js';
import { RequestError } from '../components/Errors.js';
import { ActionRequired, PaymentForm } from '../components/Payment.js';
import { orderEventsUrl } from '../lib/config.js';
import { formatMoney } from '../lib/money.js';
import { paymentFailureSentence } from '../lib/user-errors.js';
import { LIVE_TEXT, useEventStream } from '../live.js';

const FALLBACK_POLL_MS = 5_000;

const STATUS_TEXT: Record<OrderStatus, string> = {
  PENDING_PAYMENT: 'Waiting for payment',
  PAID: 'Paid',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  CANCELLED: 'Cancelled',
};

/** The order: its status and timeline follow the order's server-sent events (each one refetches it), no reload. */
export function OrderPage() {
  const { id = '' } = useParams();
  const config = useConfig();
  const { manager } = useAuth();
  const [polling, setPolling] = useState(false);
  // Without the event stream (refused, or down while it reconnects) the page asks every few seconds instead.
  const { data, loading, error, refetch } = useQuery(OrderDocument, {
    variables: { id },
    fetchPolicy: 'cache-and-network',
    pollInterval: polling ? FALLBACK_POLL_MS : 0,
  });
  const update = useCallback(() => void refetch().catch(() => undefined), [refetch]);
  const token = useCallback(() => accessTokenOf(manager), [manager]);
  const live = useEventStream(orderEventsUrl(config, id), token, update);
  useEffect(() => setPolling(live === 'unavailable' || live === 'reconnecting'), [live]);
  // Back from the 3-D Secure tab: look again at once, whatever the stream has said.
  useEffect(() => {
    window.addEventListener('focus', update);
    return () => window.removeEventListener('focus', update);
  }, [update]);

  const order = data?.order;
  if (!order) {
    if (loading) return <p>Loading the order…</p>;
    return (
      <section>
        <h1>Order not found</h1>
        <RequestError error={error} />
        <p>It does not exist, or it belongs to another account.</p>
      </section>
    );
  }
  const newest = order.payments.at(-1);
  return (
    <article aria-labelledby="order-heading" className="order">
      <h1 id="order-heading">Order {order.number}</h1>
      <p className="muted" aria-live="polite">
        {LIVE_TEXT[live]}
      </p>
      <p>
        Status:{' '}
        <strong data-testid="order-status" aria-live="polite" aria-atomic="true" className={`status status-${order.status.toLowerCase()}`}>
          {order.status}
        </strong>{' '}
        <span className="muted">({STATUS_TEXT[order.status]})</span>
      </p>
      {order.status === 'PENDING_PAYMENT' && (
        <>
          {newest?.status === 'FAILED' && (
            <p role="alert" className="error">
              {paymentFailureSentence(newest.failureCode) ?? 'The last payment failed.'} You can pay again below.
            </p>
          )}
          <ActionRequired payment={newest} />
          {(!newest || newest.status === 'FAILED') && <PaymentForm order={order} onPaid={update} />}
        </>
      )}
      {order.invoice && (
        <p aria-live="polite">
          {order.invoice.status === 'READY' && order.invoice.pdfUrl ? (
            <a href={order.invoice.pdfUrl} target="_blank" rel="noopener noreferrer">
              Download invoice (PDF)
            </a>
          ) : (
            `Invoice ${order.invoice.number} is being prepared…`
          )}
        </p>
      )}
      {order.tracking && (
        <p>
          Shipped with {order.tracking.carrier}, tracking number {order.tracking.trackingNumber}.
        </p>
      )}
      <h2>Items</h2>
      <ul className="cart-lines">
        {order.lines.map((line) => (
          <li key={line.sku} className="cart-line-main">
            <span>{line.name}</span>
            <span className="muted">
              {line.quantity} × {formatMoney(line.unitPrice)}
            </span>
            <span className="line-total">{formatMoney(line.lineTotal)}</span>
          </li>
        ))}
      </ul>
      <dl className="totals">
        <dt>Subtotal</dt>
        <dd>{formatMoney(order.subtotal)}</dd>
        <dt>Tax</dt>
        <dd>{formatMoney(order.tax)}</dd>
        <dt>Total</dt>
        <dd>
          <strong>{formatMoney(order.total)}</strong>
        </dd>
      </dl>
      <h2>Timeline</h2>
      <ol className="timeline" aria-live="polite">
        {order.timeline.map((event) => (
          <li key={`${event.status}-${event.at}`}>
            <time dateTime={event.at}>{new Date(event.at).toLocaleString()}</time> {STATUS_TEXT[event.status]}
            {event.note ? `: ${event.note}` : ''}
          </li>
        ))}
      </ol>
      <h2>Shipping to</h2>
      <address>
        {order.shippingAddress.name}
        <br />
        {order.shippingAddress.line1}
        <br />
        {order.shippingAddress.postalCode} {order.shippingAddress.city}, {order.shippingAddress.country}
      </address>
      <p>
        <Link to="/">Continue shopping</Link>
      </p>
    </article>
  );
}
