import { Router } from 'express';
import { z } from 'zod';
import { ROLES } from '@shop/kit';
import { ApiError, parseBody } from '@shop/sandbox-kit';
import { KeyError, type KeyStore } from './keys.js';

/**
 * Key rotation (loopback only, also in production: whoever runs the process rotates its keys):
 * - `GET /admin/keys` → `{ keys: [{ kid, created, current }] }`, current first;
 * - `POST /admin/keys/rotate` → a new current key; the previous ones stay in the JWKS;
 * - `POST /admin/keys/retire` `{ kid }` → that previous key leaves the JWKS (its tokens are then refused).
 */
export function adminRoutes(keys: KeyStore, reload: () => void): Router {
  const router = Router();
  router.get('/keys', (_req, res) => {
    res.json({ keys: keys.list() });
  });
  router.post('/keys/rotate', async (_req, res) => {
    const kid = await keys.rotate();
    reload();
    res.status(201).json({ kid, keys: keys.list() });
  });
  router.post('/keys/retire', (req, res) => {
    const { kid } = parseBody(z.strictObject({ kid: z.string().min(1).max(200) }), req.body);
    try {
      keys.retire(kid);
    } catch (err) {
      if (err instanceof KeyError) throw new ApiError(err.code === 'unknown_key' ? 404 : 409, err.code, err.message, 'kid');
      throw err;
    }
    reload();
    res.json({ keys: keys.list() });
  });
  return router;
}

/** What `npm run token` asks for: the same subject, roles and lifetime rules as before. */
export const mintRequest = z.strictObject({
  sub: z.string().regex(/^[\w.@:-]{1,200}$/, 'sub: 1-200 letters, digits or . _ @ : -'),
  roles: z.array(z.enum(ROLES)).min(1).max(10),
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(12 * 3600),
  name: z.string().min(1).max(200).optional(),
});

/**
 * Development only (absent when NODE_ENV=production) and loopback only: `POST /dev/token` signs an access
 * token like the ones the authorization flow issues, for scripts (`npm run token`, seeding) that cannot
 * click through a login page.
 */
export function devRoutes(keys: KeyStore, token: () => { issuer: string; audience: string }): Router {
  const router = Router();
  router.post('/token', async (req, res) => {
    const { sub, roles, ttlSeconds, name } = parseBody(mintRequest, req.body);
    const { issuer, audience } = token();
    const accessToken = await keys.sign({ roles, name: name ?? sub }, { issuer, audience, subject: sub, ttlSeconds });
    res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds });
  });
  return router;
}
