import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { ProductPageDocument } from '../__generated__/graphql.js';
import { AvailabilityBadge } from '../components/Availability.js';
import { RequestError, UserErrors } from '../components/Errors.js';
import { ProductImage } from '../components/ProductImage.js';
import { useCart } from '../cart.js';
import { formatMoney } from '../lib/money.js';
import type { UserErrorValue } from '../lib/user-errors.js';

export function ProductPage() {
  const { slug = '' } = useParams();
  const { data, loading, error } = useQuery(ProductPageDocument, { variables: { slug } });
  const { addToCart } = useCart();
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ errors: readonly UserErrorValue[]; failure?: unknown; added?: number }>();

  if (loading) return <p>Loading…</p>;
  const product = data?.product;
  if (!product) {
    return (
      <>
        <h1>Product not found</h1>
        <RequestError error={error} />
        <Link to="/">Back to the catalog</Link>
      </>
    );
  }
  const soldOut = product.status !== 'ACTIVE' || product.availability.status === 'OUT_OF_STOCK';

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!product || busy) return;
    setBusy(true);
    try {
      const errors = await addToCart(product.id, quantity);
      setOutcome({ errors, added: errors.length ? undefined : quantity });
    } catch (failure) {
      setOutcome({ errors: [], failure });
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="product-page">
      <ProductImage src={product.images[0]} name={product.name} size={320} />
      <div>
        <h1>{product.name}</h1>
        <p className="price">{formatMoney(product.price)}</p>
        <AvailabilityBadge status={product.availability.status} available={product.availability.available} />
        <p>{product.description}</p>
        <p className="muted">
          SKU {product.sku}
          {product.categories.length > 0 && ` · ${product.categories.map((c) => c.name).join(', ')}`}
        </p>
        <form onSubmit={(e) => void add(e)} className="add-to-cart">
          <label>
            Quantity
            <input
              type="number"
              min={1}
              max={99}
              value={quantity}
              onChange={(e) => setQuantity(Math.max(1, Math.min(99, Number(e.target.value) || 1)))}
            />
          </label>
          <button type="submit" disabled={busy || soldOut} aria-disabled={busy || soldOut}>
            Add to cart
          </button>
        </form>
        <div aria-live="polite">
          {outcome?.added !== undefined && (
            <p role="status">
              Added {outcome.added} to your cart. <Link to="/cart">View cart</Link>
            </p>
          )}
        </div>
        <UserErrors errors={outcome?.errors} />
        <RequestError error={outcome?.failure} />
      </div>
    </article>
  );
}
