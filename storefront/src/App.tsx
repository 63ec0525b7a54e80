import { Link, NavLink, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth.js';
import { useCart } from './cart.js';
import { AuthCallbackPage, SignInPage, SignOutPage } from './pages/Auth.js';
import { CartPage } from './pages/Cart.js';
import { CatalogPage } from './pages/Catalog.js';
import { CheckoutPage } from './pages/Checkout.js';
import { MyOrdersPage } from './pages/MyOrders.js';
import { OrderPage } from './pages/Order.js';
import { ProductPage } from './pages/Product.js';

function Header() {
  const { user } = useAuth();
  const { cart } = useCart();
  const { pathname } = useLocation();
  const count = cart?.totalQuantity ?? 0;
  const who = typeof user?.profile.name === 'string' ? user.profile.name : user?.profile.sub;
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        Shop Supergraph
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <NavLink to="/" end>
              Catalog
            </NavLink>
          </li>
          <li>
            {/* The accessible name stays "Cart"; the count is announced by the cart page itself. */}
            <NavLink to="/cart">
              Cart
              {count > 0 && (
                <span className="count" aria-hidden="true">
                  {count}
                </span>
              )}
            </NavLink>
          </li>
          <li>
            <NavLink to="/orders" end>
              My orders
            </NavLink>
          </li>
          <li>
            {user ? <Link to="/signout">Sign out</Link> : <Link to={`/signin?returnTo=${encodeURIComponent(pathname)}`}>Sign in</Link>}
          </li>
        </ul>
      </nav>
      {user && <p className="muted signed-in">Signed in as {who}</p>}
    </header>
  );
}

export function App() {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<CatalogPage />} />
          <Route path="/products/:slug" element={<ProductPage />} />
          <Route path="/cart" element={<CartPage />} />
          <Route path="/checkout" element={<CheckoutPage />} />
          <Route path="/orders" element={<MyOrdersPage />} />
          <Route path="/orders/:id" element={<OrderPage />} />
          <Route path="/signin" element={<SignInPage />} />
          <Route path="/signout" element={<SignOutPage />} />
          <Route path="/auth/callback" element={<AuthCallbackPage />} />
          <Route
            path="*"
            element={
              <section>
                <h1>Page not found</h1>
                <Link to="/">Back to the catalog</Link>
              </section>
            }
          />
        </Routes>
      </main>
      <footer className="site-footer">
        <p className="muted">A reference storefront on the Shop Supergraph&apos;s single GraphQL endpoint. Test cards only.</p>
      </footer>
    </>
  );
}
