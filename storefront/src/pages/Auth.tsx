import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useApolloClient } from '@apollo/client/react';
import { useAuth } from '../auth.js';
import { useCart } from '../cart.js';
import { RequestError, UserErrors } from '../components/Errors.js';
import type { UserErrorValue } from '../lib/user-errors.js';

/** Only same-site paths: a returnTo can never send the shopper elsewhere. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

/** Runs `action` once per mount, even under React's development double effects. */
function useOnce(action: () => Promise<void>, fail: (err: unknown) => void) {
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    done.current = true;
    action().catch(fail);
  });
}

/** `/signin?returnTo=…`: off to the identity provider's login page (code flow with PKCE). */
export function SignInPage() {
  const { signIn } = useAuth();
  const [params] = useSearchParams();
  const [failure, setFailure] = useState<unknown>();
  useOnce(() => signIn(safeReturnPath(params.get('returnTo'))), setFailure);
  return (
    <section>
      <h1>Signing in…</h1>
      <RequestError error={failure} />
    </section>
  );
}

/** `/auth/callback`: finishes the sign-in, then claims this browser's guest cart into the customer's. */
export function AuthCallbackPage() {
  const { manager } = useAuth();
  const { claimGuestCart } = useCart();
  const client = useApolloClient();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<unknown>();
  const [errors, setErrors] = useState<readonly UserErrorValue[]>([]);
  useOnce(async () => {
    const user = await manager.signinRedirectCallback();
    // What was cached as a guest is not what the customer sees.
    await client.resetStore();
    const claimErrors = await claimGuestCart();
    setErrors(claimErrors);
    const state = user.state as { returnTo?: unknown } | undefined;
    if (!claimErrors.length) await navigate(safeReturnPath(state?.returnTo), { replace: true });
  }, setFailure);
  return (
    <section>
      <h1>Signing in…</h1>
      <UserErrors errors={errors} />
      <RequestError error={failure} />
      {(failure !== undefined || errors.length > 0) && <Link to="/">Back to the catalog</Link>}
    </section>
  );
}

/** `/signout`: forgets the customer's cart here and signs out at the provider (or locally if it cannot). */
export function SignOutPage() {
  const { manager } = useAuth();
  const { forget } = useCart();
  const client = useApolloClient();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<unknown>();
  useOnce(async () => {
    forget();
    await client.clearStore();
    try {
      await manager.signoutRedirect();
    } catch {
      // A provider without an end-session endpoint: end the session here only.
      await manager.removeUser();
      await navigate('/', { replace: true });
    }
  }, setFailure);
  return (
    <section>
      <h1>Signing out…</h1>
      <RequestError error={failure} />
    </section>
  );
}
