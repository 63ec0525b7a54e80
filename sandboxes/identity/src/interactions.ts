import express, { Router } from 'express';
import type Provider from 'oidc-provider';
import type { AccountStore } from './accounts.js';
import { loginForm } from './accounts.js';
import { loginPage } from './page.js';

const html = (status: number, body: string) => ({ status, body });

/**
 * The login step of the authorization flow: GET shows the page, POST checks the name and role and hands
 * the account back to oidc-provider, which continues to the client's redirect URI. Consent is given by
 * `loadExistingGrant` (provider.ts), so no other prompt is expected here.
 */
export function interactionRoutes(provider: () => Provider, accounts: AccountStore): Router {
  const router = Router();
  const send = (res: express.Response, page: { status: number; body: string }) =>
    res.status(page.status).type('html').set('cache-control', 'no-store').send(page.body);

  router.get('/:uid', async (req, res, next) => {
    try {
      const details = await provider().interactionDetails(req, res);
      if (details.prompt.name !== 'login') {
        send(res, html(400, `<!doctype html><title>Unexpected prompt</title><p>Unexpected prompt: ${details.prompt.name}</p>`));
        return;
      }
      send(res, html(200, loginPage({ action: `/interaction/${details.uid}/login`, clientId: String(details.params.client_id) })));
    } catch (err) {
      next(err);
    }
  });

  router.post('/:uid/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res, next) => {
    try {
      const details = await provider().interactionDetails(req, res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const form = loginForm.safeParse(body);
      if (!form.success) {
        const errors: { name?: string; role?: string } = {};
        for (const issue of form.error.issues) {
          const field = issue.path[0];
          if ((field === 'name' || field === 'role') && errors[field] === undefined) errors[field] = issue.message;
        }
        const page = loginPage({
          action: `/interaction/${details.uid}/login`,
          clientId: String(details.params.client_id),
          name: typeof body.name === 'string' ? body.name : '',
          role: typeof body.role === 'string' ? body.role : undefined,
          errors,
        });
        send(res, html(400, page));
        return;
      }
      const accountId = accounts.signIn(form.data);
      await provider().interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
