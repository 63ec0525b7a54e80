import { Link } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { MyOrdersDocument } from '../__generated__/graphql.js';
import { useAuth } from '../auth.js';
import { RequestError } from '../components/Errors.js';
import { formatMoney } from '../lib/money.js';

function OrderList() {
  const { data, loading, error, fetchMore } = useQuery(MyOrdersDocument, { variables: { first: 20 }, fetchPolicy: 'cache-and-network' });
  const page = data?.myOrders;
  if (!page) return loading ? <p>Loading your orders…</p> : <RequestError error={error} />;
  if (!page.edges.length) {
    return (
      <p>
        No orders yet. <Link to="/">Browse the catalog</Link>
      </p>
    );
  }
  const more = () =>
    void fetchMore({
      variables: { after: page.pageInfo.endCursor },
      updateQuery: (prev, { fetchMoreResult }) => ({
        myOrders: { ...fetchMoreResult.myOrders, edges: [...(prev.myOrders?.edges ?? []), ...fetchMoreResult.myOrders.edges] },
      }),
    });
  return (
    <>
      <table className="orders">
        <caption className="visually-hidden">Your orders, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Placed</th>
            <th scope="col">Status</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {page.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>
                <Link to={`/orders/${encodeURIComponent(node.id)}`}>{node.number}</Link>
              </td>
              <td>
                <time dateTime={node.createdAt}>{new Date(node.createdAt).toLocaleDateString()}</time>
              </td>
              <td>{node.status}</td>
              <td>{formatMoney(node.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.pageInfo.hasNextPage && (
        <button type="button" className="secondary" onClick={more}>
          More orders
        </button>
      )}
    </>
  );
}

export function MyOrdersPage() {
  const { user } = useAuth();
  return (
    <section>
      <h1>My orders</h1>
      {user ? (
        <OrderList />
      ) : (
        <p>
          <Link to="/signin?returnTo=%2Forders">Sign in</Link> to see your orders.
        </p>
      )}
    </section>
  );
}
