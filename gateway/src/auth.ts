import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ROLES, unauthenticated, type Caller } from '@shop/kit';

const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1).max(10),
});

/**
 * Turns the Authorization header into a caller: no header is a guest; a header that is not a valid
 * HS256 token with `sub` and known `roles` is refused (401), never downgraded to guest.
 */
export async function callerFromAuthorization(header: string | undefined, secret: Uint8Array): Promise<Caller> {
  if (!header) return { kind: 'guest' };
  const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header.trim());
  if (!m) throw unauthenticated('Authorization must be "Bearer <JWT>"');
  try {
    const { payload } = await jwtVerify(m[1]!, secret, { algorithms: ['HS256'] });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw unauthenticated('Token lacks a valid sub or roles claim');
    return { kind: 'user', sub: claims.data.sub, roles: claims.data.roles };
  } catch (err) {
    if (err instanceof Error && 'extensions' in err) throw err;
    throw unauthenticated('Invalid or expired token');
  }
}

/** A development token (HS256) as `npm run token` prints it. */
export function signDevToken(
  secret: string,
  sub: string,
  roles: readonly (typeof ROLES)[number][],
  ttlSeconds = 12 * 3600,
): Promise<string> {
  return new SignJWT({ roles: [...roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}
