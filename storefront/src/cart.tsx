import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  AddCartLinesDocument,
  CartDocument,
  ClaimCartDocument,
  CreateCartDocument,
  type CartViewFragment,
} from './__generated__/graphql.js';
import { cartIdStore } from './lib/keys.js';
import type { UserErrorValue as UserError } from './lib/user-errors.js';

/** The cart id of this browser (guest or signed in), kept in localStorage across reloads. */
export const cartIds = cartIdStore(window.localStorage);

interface CartState {
  cartId: string | null;
  cart: CartViewFragment | null;
  loading: boolean;
  /** Adds units of a product, starting a cart when there is none (or the old one was checked out). */
  addToCart: (productId: string, quantity: number) => Promise<readonly UserError[]>;
  /** After sign-in: merges this browser's guest cart into the customer's and keeps the result. */
  claimGuestCart: () => Promise<readonly UserError[]>;
  /** After checkout or sign-out: the next purchase starts a new cart. */
  forget: () => void;
}

const CartContext = createContext<CartState | null>(null);
const GONE = new Set(['CART_NOT_FOUND', 'CART_NOT_ACTIVE']);

export function CartProvider({ children }: { children: ReactNode }) {
  const [cartId, setCartIdState] = useState<string | null>(() => cartIds.get());
  const setCartId = useCallback((id: string | null) => {
    if (id) cartIds.set(id);
    else cartIds.clear();
    setCartIdState(id);
  }, []);
  const { data, loading } = useQuery(CartDocument, { variables: { id: cartId ?? '' }, skip: !cartId });
  const [createCart] = useMutation(CreateCartDocument);
  const [addLines] = useMutation(AddCartLinesDocument);
  const [claimCart] = useMutation(ClaimCartDocument);
  const cart = cartId && data?.cart?.id === cartId ? data.cart : null;

  // A cart that is gone (expired, checked out elsewhere, merged): forget it rather than show it.
  useEffect(() => {
    if (cartId && data && (!data.cart || data.cart.status !== 'ACTIVE')) setCartId(null);
  }, [cartId, data, setCartId]);

  const addToCart = useCallback(
    async (productId: string, quantity: number) => {
      const lines = [{ productId, quantity }];
      if (cartId) {
        const r = (await addLines({ variables: { cartId, lines } })).data?.addCartLines;
        if (r && !r.userErrors.some((e) => GONE.has(e.code))) return r.userErrors;
      }
      const created = (await createCart({ variables: { input: { lines } } })).data?.createCart;
      if (created?.cart) setCartId(created.cart.id);
      return created?.userErrors ?? [];
    },
    [cartId, addLines, createCart, setCartId],
  );

  const claimGuestCart = useCallback(async () => {
    if (!cartId) return [];
    const r = (await claimCart({ variables: { cartId } })).data?.claimCart;
    if (r?.cart) {
      setCartId(r.cart.id);
      return r.userErrors;
    }
    // Nothing to claim (already merged, expired): the customer's own active cart, if any, is theirs.
    const own = (await createCart({ variables: { input: {} } })).data?.createCart;
    setCartId(own?.cart?.id ?? null);
    return r?.userErrors.filter((e) => !GONE.has(e.code)) ?? [];
  }, [cartId, claimCart, createCart, setCartId]);

  const value = useMemo<CartState>(
    () => ({ cartId, cart, loading, addToCart, claimGuestCart, forget: () => setCartId(null) }),
    [cartId, cart, loading, addToCart, claimGuestCart, setCartId],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartState {
  const cart = useContext(CartContext);
  if (!cart) throw new Error('useCart outside CartProvider');
  return cart;
}
