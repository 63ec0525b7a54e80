import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { StorefrontConfig } from './lib/config.js';

/**
 * Sign-in with OpenID Connect (authorization code + PKCE) through oidc-client-ts: the identity
 * provider's login page, back to `/auth/callback`, the access token sent to the gateway as a bearer.
 */
export function createUserManager(config: StorefrontConfig): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: config.oidcAuthority,
    client_id: config.oidcClientId,
    redirect_uri: `${origin}/auth/callback`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: 'openid profile',
    userStore: new WebStorageStateStore({ store: window.localStorage }),
  });
}

export interface AuthState {
  user: User | null;
  manager: UserManager;
  /** Where to come back to after signing in. */
  signIn: (returnTo?: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ manager, children }: { manager: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  useEffect(() => {
    let live = true;
    manager
      .getUser()
      .then((u) => live && setUser(u && !u.expired ? u : null))
      .catch(() => live && setUser(null));
    const loaded = (u: User) => setUser(u);
    const unloaded = () => setUser(null);
    manager.events.addUserLoaded(loaded);
    manager.events.addUserUnloaded(unloaded);
    manager.events.addAccessTokenExpired(unloaded);
    return () => {
      live = false;
      manager.events.removeUserLoaded(loaded);
      manager.events.removeUserUnloaded(unloaded);
      manager.events.removeAccessTokenExpired(unloaded);
    };
  }, [manager]);
  const value = useMemo<AuthState>(
    () => ({
      user,
      manager,
      signIn: (returnTo = window.location.pathname) => manager.signinRedirect({ state: { returnTo } }),
      signOut: () => manager.signoutRedirect(),
    }),
    [user, manager],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The access token for the gateway, or undefined for a guest (an expired session counts as a guest). */
export async function accessTokenOf(manager: UserManager): Promise<string | undefined> {
  const user = await manager.getUser();
  return user && !user.expired ? user.access_token : undefined;
}
