import { userError, userId, type Caller, type UserError } from '@shop/kit';
import { mayUse } from './access.js';
import {
  effectiveStatus,
  planAdd,
  planMerge,
  planRemove,
  planUpdate,
  type CartState,
  type Limits,
  type LineInput,
  type Plan,
  type Products,
} from './domain.js';
import type { ProductLookup } from './services.js';
import { CartConflictError, type CartStore } from './store.js';

/** A cart mutation's payload (docs/design.md §4): the cart after the change, unchanged on error. */
export interface CartResult {
  cart: CartState | null;
  userErrors: UserError[];
}

const notFound = (field = ['cartId']): CartResult => ({ cart: null, userErrors: [userError('CART_NOT_FOUND', 'no such cart', field)] });
const notActive = (cart: CartState, field = ['cartId']) =>
  userError('CART_NOT_ACTIVE', `the cart is ${effectiveStatus(cart, new Date())} and can no longer change`, field);
const ids = (lines: readonly { productId: string }[]) => lines.map((l) => l.productId);

/**
 * The cart operations. Every change goes through `CartStore.update`, which decides it against the
 * cart's newest state and appends it under the unique (cart, version) key; the whole batch is
 * validated first, so a refused call changes nothing. Callers have passed the role checks of
 * access.ts; whether they may use a given cart is checked here, once it is loaded.
 */
export class Carts {
  constructor(
    private readonly store: CartStore,
    private readonly limits: Limits,
  ) {}

  /** Guests get a new cart; a signed-in caller gets their ACTIVE cart, created when there is none. */
  async create(caller: Caller, lines: readonly LineInput[], products: ProductLookup): Promise<CartResult> {
    const field = ['input', 'lines'];
    const sub = userId(caller);
    const existing = sub ? await this.activeOf(sub) : null;
    if (lines.length > this.limits.maxCartLines) return { cart: existing, userErrors: [this.tooMany(field)] };
    if (lines.length > 0) {
      // One product call for the request: the input's products and those already in the cart.
      const snapshots = await products([...ids(lines), ...ids(existing?.lines ?? [])]);
      // A new cart is created only for a batch that can go into it.
      const plan = existing ? undefined : planAdd([], lines, snapshots, this.limits, field);
      if (plan && !plan.ok) return { cart: null, userErrors: plan.errors };
    }
    const cart = existing ?? (sub ? await this.activeCartOf(sub) : await this.store.createGuest());
    if (lines.length === 0) return { cart, userErrors: [] };
    return this.apply(cart, products, ids(lines), (state, snapshots) => planAdd(state.lines, lines, snapshots, this.limits, field));
  }

  add(caller: Caller, cartId: string, lines: readonly LineInput[], products: ProductLookup): Promise<CartResult> {
    return this.changeLines(caller, cartId, lines.length, ids(lines), products, (state, snapshots) =>
      planAdd(state.lines, lines, snapshots, this.limits, ['lines']),
    );
  }

  update(caller: Caller, cartId: string, lines: readonly LineInput[], products: ProductLookup): Promise<CartResult> {
    return this.changeLines(caller, cartId, lines.length, ids(lines), products, (state, snapshots) =>
      planUpdate(state.lines, lines, snapshots, this.limits, ['lines']),
    );
  }

  remove(caller: Caller, cartId: string, productIds: readonly string[], products: ProductLookup): Promise<CartResult> {
    return this.changeLines(
      caller,
      cartId,
      productIds.length,
      [],
      products,
      (state) => ({ ok: true, lines: planRemove(state.lines, productIds) }),
      ['productIds'],
    );
  }

  /**
   * Merges a guest cart into the caller's ACTIVE cart. Marking the guest cart MERGED is the decision:
   * it is appended at the version after the lines it carries, so no line can be added to the guest
   * cart behind the merge's back, and of two concurrent claims only one wins. The lines then land in
   * the customer's cart under the unique dedupe key `merge:<guest cart id>`: at most once, and a
   * repeated claim (or the sweeper, after a crash in between) completes a merge without doubling it.
   */
  async claim(caller: Caller, sub: string, guestId: string, products: ProductLookup): Promise<CartResult> {
    const guest = await this.store.get(guestId);
    if (!guest || !mayUse(caller, guest) || (guest.ownerId !== null && guest.ownerId !== sub)) return notFound();
    if (guest.ownerId === sub) return { cart: guest, userErrors: [] }; // already the caller's
    if (guest.status === 'MERGED' && guest.mergedBy === sub) return { cart: await this.completeMerge(guest, products), userErrors: [] };
    if (effectiveStatus(guest, new Date()) !== 'ACTIVE') return { cart: guest, userErrors: [notActive(guest)] };

    const target = await this.activeCartOf(sub);
    await products([...ids(guest.lines), ...ids(target.lines)]);
    const marked = await this.store.update(
      guestId,
      (state) =>
        state.status === 'ACTIVE'
          ? { kind: 'status', status: 'MERGED', mergedInto: target.id, mergedBy: sub }
          : { kind: 'reject', errors: [notActive(state)] },
      { initial: guest },
    );
    const merged = marked!.state;
    if (merged.status === 'MERGED' && merged.mergedBy === sub)
      return { cart: await this.completeMerge(merged, products, target), userErrors: [] };
    return { cart: merged, userErrors: marked!.errors };
  }

  /** internal (order): the cart became this order, once; the same order again is a no-op. */
  async checkout(cartId: string, orderId: string): Promise<CartResult> {
    const res = await this.store.update(cartId, (state) => {
      if (state.status === 'CHECKED_OUT' && state.orderId === orderId) return { kind: 'keep' };
      if (state.status !== 'ACTIVE') return { kind: 'reject', errors: [notActive(state)] };
      return { kind: 'status', status: 'CHECKED_OUT', orderId };
    });
    return res ? { cart: res.state, userErrors: res.errors } : notFound();
  }

  /** The customer's ACTIVE cart, or null (read-only: for `myCart`). */
  async activeOf(sub: string): Promise<CartState | null> {
    const newest = await this.store.newestOwned(sub);
    return newest && effectiveStatus(newest, new Date()) === 'ACTIVE' ? newest : null;
  }

  /**
   * The customer's ACTIVE cart, created when there is none. Only the newest of a customer's carts can
   * be ACTIVE: the next one is created only after the newest one's final status is recorded, and the
   * unique slot `c:<sub>:<n>` lets one of several concurrent callers create cart n.
   */
  async activeCartOf(sub: string): Promise<CartState> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const newest = await this.store.newestOwned(sub);
      if (newest?.status === 'ACTIVE') {
        if (effectiveStatus(newest, new Date()) === 'ACTIVE') return newest;
        await this.store.update(newest.id, () => ({ kind: 'keep' }), { initial: newest }); // records the expiry first
        continue;
      }
      const created = await this.store.createOwned(sub, (newest?.generation ?? 0) + 1);
      if (created) return created;
    }
    throw new CartConflictError(`of ${sub}`);
  }

  /**
   * Expires carts untouched for CART_TTL, completes merges interrupted by a crash, and marks final
   * carts as settled so later sweeps skip them. Returns how many carts it expired.
   */
  async sweep(products: ProductLookup, ttlMs: number, now = new Date(), batch = 100): Promise<number> {
    let expired = 0;
    let cursor: { _id: string; createdAt: Date } | null = null;
    for (;;) {
      const page = await this.store.unsettled(new Date(now.getTime() - ttlMs), cursor, batch);
      for (const { _id } of page) {
        let cart = await this.store.get(_id);
        if (!cart) continue;
        if (cart.status === 'ACTIVE' && effectiveStatus(cart, now) === 'EXPIRED') {
          cart = (await this.store.update(_id, () => ({ kind: 'keep' }), { initial: cart, now }))!.state;
          if (cart.status === 'EXPIRED') expired++;
        }
        if (cart.status === 'MERGED' && !(await this.store.hasChange(mergeKey(cart.id)))) await this.completeMerge(cart, products);
        if (cart.status !== 'ACTIVE') await this.store.markSwept(_id, now);
      }
      if (page.length < batch) return expired;
      cursor = page.at(-1)!;
    }
  }

  private tooMany(field: string[]): UserError {
    return userError('TOO_MANY_LINES', `a cart holds at most ${this.limits.maxCartLines} products`, field);
  }

  private async changeLines(
    caller: Caller,
    cartId: string,
    count: number,
    inputIds: readonly string[],
    products: ProductLookup,
    plan: (state: CartState, snapshots: Products) => Plan,
    field = ['lines'],
  ): Promise<CartResult> {
    const current = await this.store.get(cartId);
    if (!current || !mayUse(caller, current)) return notFound();
    if (count > this.limits.maxCartLines) return { cart: current, userErrors: [this.tooMany(field)] };
    // One product call for the whole request: the input's products and the cart's (the payload prices them all).
    await products([...inputIds, ...ids(current.lines)]);
    return this.apply(current, products, inputIds, plan);
  }

  private async apply(
    current: CartState,
    products: ProductLookup,
    inputIds: readonly string[],
    plan: (state: CartState, snapshots: Products) => Plan,
  ): Promise<CartResult> {
    const res = await this.store.update(
      current.id,
      async (state) => {
        if (state.status !== 'ACTIVE') return { kind: 'reject', errors: [notActive(state)] };
        const planned = plan(state, await products(inputIds));
        return planned.ok ? { kind: 'lines', lines: planned.lines } : { kind: 'reject', errors: planned.errors };
      },
      { initial: current },
    );
    return { cart: res!.state, userErrors: res!.errors };
  }

  /** Puts a MERGED guest cart's lines into its claimant's ACTIVE cart, at most once; returns that cart. */
  private async completeMerge(guest: CartState, products: ProductLookup, target?: CartState): Promise<CartState> {
    const sub = guest.mergedBy!;
    for (let attempt = 0; attempt < 10; attempt++) {
      const into = attempt === 0 && target ? target : await this.activeCartOf(sub);
      const res = (await this.store.update(
        into.id,
        async (state) => {
          if (state.status !== 'ACTIVE') return { kind: 'reject', errors: [notActive(state)] };
          return {
            kind: 'lines',
            lines: planMerge(state.lines, guest.lines, await products(ids(guest.lines)), this.limits),
            dedupeKey: mergeKey(guest.id),
          };
        },
        { initial: into },
      ))!;
      if (res.duplicate) return this.activeCartOf(sub);
      if (res.errors.length === 0) return res.state;
      // The customer's cart stopped being ACTIVE meanwhile (checked out): merge into their next one.
    }
    throw new CartConflictError(guest.id);
  }
}

const mergeKey = (guestId: string) => `merge:${guestId}`;
