import { type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { CatalogDocument, CategoriesDocument, type CategoriesQuery, type ProductSort } from '../__generated__/graphql.js';
import { AvailabilityBadge } from '../components/Availability.js';
import { RequestError } from '../components/Errors.js';
import { ProductImage } from '../components/ProductImage.js';
import { formText } from '../lib/form.js';
import { formatMoney, toMinorUnits } from '../lib/money.js';

const PAGE_SIZE = 12;
const SORTS: [ProductSort, string][] = [
  ['NEWEST', 'Newest'],
  ['PRICE_ASC', 'Price: low to high'],
  ['PRICE_DESC', 'Price: high to low'],
  ['NAME_ASC', 'Name: A to Z'],
];
type CategoryNode = CategoriesQuery['categories'][number];

function CategoryTree({ all, parent, current }: { all: readonly CategoryNode[]; parent: string | null; current: string | null }) {
  const children = all.filter((c) => (c.parent?.id ?? null) === parent);
  if (!children.length) return null;
  return (
    <ul>
      {children.map((c) => (
        <li key={c.id}>
          <Link to={`/?category=${encodeURIComponent(c.slug)}`} aria-current={current === c.slug ? 'page' : undefined}>
            {c.name}
          </Link>
          <CategoryTree all={all} parent={c.id} current={current} />
        </li>
      ))}
    </ul>
  );
}

/** The catalog: search, category tree, price range, in-stock filter, sort and cursor pagination, all in the URL. */
export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const category = params.get('category');
  const sort = (SORTS.find(([s]) => s === params.get('sort'))?.[0] ?? 'NEWEST') satisfies ProductSort;
  const filter = {
    search: params.get('q') || undefined,
    category: category ?? undefined,
    inStock: params.get('inStock') === '1' || undefined,
    minPrice: toMinorUnits(params.get('min') ?? ''),
    maxPrice: toMinorUnits(params.get('max') ?? ''),
  };
  const categories = useQuery(CategoriesDocument);
  const { data, loading, error } = useQuery(CatalogDocument, {
    variables: { first: PAGE_SIZE, after: params.get('after'), filter, sort },
  });

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ['q', 'min', 'max', 'sort'] as const) {
      const value = formText(form, key);
      if (value) next.set(key, value);
    }
    if (form.get('inStock')) next.set('inStock', '1');
    if (category) next.set('category', category);
    setParams(next);
  }
  const page = data?.products;
  const nextPage = new URLSearchParams(params);
  if (page?.pageInfo.endCursor) nextPage.set('after', page.pageInfo.endCursor);
  const firstPage = new URLSearchParams(params);
  firstPage.delete('after');

  return (
    <div className="catalog">
      <h1>Catalog</h1>
      <div className="catalog-layout">
        <nav aria-label="Categories" className="categories">
          <h2>Categories</h2>
          <ul>
            <li>
              <Link to="/" aria-current={!category ? 'page' : undefined}>
                All products
              </Link>
            </li>
          </ul>
          {categories.data && <CategoryTree all={categories.data.categories} parent={null} current={category} />}
        </nav>
        <section aria-labelledby="results-heading" className="results">
          <form role="search" onSubmit={apply} className="filters" key={params.toString()}>
            <label>
              Search
              <input type="search" name="q" defaultValue={params.get('q') ?? ''} />
            </label>
            <label>
              Minimum price
              <input type="number" name="min" min="0" step="0.01" inputMode="decimal" defaultValue={params.get('min') ?? ''} />
            </label>
            <label>
              Maximum price
              <input type="number" name="max" min="0" step="0.01" inputMode="decimal" defaultValue={params.get('max') ?? ''} />
            </label>
            <label className="checkbox">
              <input type="checkbox" name="inStock" defaultChecked={params.get('inStock') === '1'} /> In stock only
            </label>
            <label>
              Sort by
              <select name="sort" defaultValue={sort}>
                {SORTS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">Apply</button>
          </form>
          <h2 id="results-heading" aria-live="polite">
            {loading ? 'Loading products…' : `${page?.totalCount ?? 0} products`}
          </h2>
          <RequestError error={error} />
          <ul className="product-grid">
            {page?.edges.map(({ node }) => (
              <li key={node.id} className="product-card">
                <ProductImage src={node.images[0]} name={node.name} size={160} />
                <h3>
                  <Link to={`/products/${encodeURIComponent(node.slug)}`}>{node.name}</Link>
                </h3>
                <p className="price">{formatMoney(node.price)}</p>
                <AvailabilityBadge status={node.availability.status} available={node.availability.available} />
              </li>
            ))}
          </ul>
          <nav aria-label="Pages" className="pagination">
            {params.get('after') && <Link to={`/?${firstPage.toString()}`}>First page</Link>}
            {page?.pageInfo.hasNextPage && <Link to={`/?${nextPage.toString()}`}>Next page</Link>}
          </nav>
        </section>
      </div>
    </div>
  );
}
