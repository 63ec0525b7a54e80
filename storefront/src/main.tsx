import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApolloProvider } from '@apollo/client/react';
import { App } from './App.js';
import { createApolloClient } from './apollo.js';
import { accessTokenOf, AuthProvider, createUserManager } from './auth.js';
import { CartProvider } from './cart.js';
import { ConfigContext } from './config-context.js';
import { parseConfig } from './lib/config.js';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

async function start() {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json: HTTP ${response.status}`);
  const config = parseConfig(await response.json());
  const manager = createUserManager(config);
  const client = createApolloClient(config, () => accessTokenOf(manager));
  root.render(
    <StrictMode>
      <ConfigContext.Provider value={config}>
        <ApolloProvider client={client}>
          <AuthProvider manager={manager}>
            <BrowserRouter>
              <CartProvider>
                <App />
              </CartProvider>
            </BrowserRouter>
          </AuthProvider>
        </ApolloProvider>
      </ConfigContext.Provider>
    </StrictMode>,
  );
}

start().catch((err: unknown) => {
  root.render(
    <main>
      <h1>The shop could not start</h1>
      <p role="alert">{err instanceof Error ? err.message : String(err)}</p>
    </main>,
  );
});
