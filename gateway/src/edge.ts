import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '@shop/kit';
import { sendGraphQLError } from './http-errors.js';
import type { PartnerDirectory, Partner } from './partners/directory.js';
import type { PersistedOperation, Safelist } from './partners/manifest.js';
import type { RateLimiter, Verdict } from './rate-limit.js';

export const API_KEY_HEADER = 'x-api-key';

/** What the edge established about a partner request, read by the GraphQL context. */
export interface PartnerAdmission {
  partner: Partner;
  operation: PersistedOperation;
}

const tooMany = (res: Response, v: Extract<Verdict, { ok: false }>) =>
  sendGraphQLError(res, 429, 'RATE_LIMITED', `Too many requests; retry in ${v.retryAfterSeconds} s`, {
    'retry-after': String(v.retryAfterSeconds),
  });

/**
 * Before the body is read: a request with `x-api-key` is a partner's (an unknown or revoked key is
 * 401 and still spends its IP's budget, so guessing keys is rate limited too) and spends that
 * partner's budget; any other request spends its IP's budget. Over budget → 429 with Retry-After.
 */
export function admission(opts: { directory: PartnerDirectory; limiter: RateLimiter; log: Logger }): RequestHandler {
  return (req, res, next) => {
    void (async () => {
      /** Spends one request of a budget; when it is used up, answers 429 and says false. */
      const spend = async (budget: Promise<Verdict>) => {
        const v = await budget;
        if (!v.ok) tooMany(res, v);
        return v.ok;
      };
      const key = req.header(API_KEY_HEADER);
      const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      if (key === undefined) {
        if (await spend(opts.limiter.byIp(ip))) next();
        return;
      }
      if (req.header('authorization') !== undefined) {
        return sendGraphQLError(res, 400, 'BAD_REQUEST', `Send either an ${API_KEY_HEADER} header or a bearer token, not both`);
      }
      const partner = await opts.directory.byKey(key.trim());
      if (!partner) {
        if (await spend(opts.limiter.byIp(ip))) sendGraphQLError(res, 401, 'UNAUTHENTICATED', 'Unknown or revoked API key');
        return;
      }
      if (!(await spend(opts.limiter.byPartner(partner.name)))) return;
      res.locals.partner = partner;
      next();
    })().catch((err: unknown) => {
      opts.log.error({ err }, 'request admission failed');
      sendGraphQLError(res, 503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; retry shortly');
    });
  };
}

/** The persisted-query id and whether query text was sent, from a POST body or GET parameters. */
function persistedQueryOf(req: Request): { id?: string; hasText: boolean; batched: boolean } {
  if (req.method === 'POST') {
    const body: unknown = req.body;
    if (Array.isArray(body)) return { hasText: false, batched: true };
    const b = (body ?? {}) as { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } };
    const id = b.extensions?.persistedQuery?.sha256Hash;
    return { id: typeof id === 'string' ? id : undefined, hasText: typeof b.query === 'string' && b.query.length > 0, batched: false };
  }
  const q = req.query as Record<string, unknown>;
  let id: unknown;
  if (typeof q.extensions === 'string') {
    try {
      id = (JSON.parse(q.extensions) as { persistedQuery?: { sha256Hash?: unknown } } | null)?.persistedQuery?.sha256Hash;
    } catch {
      id = undefined;
    }
  }
  return { id: typeof id === 'string' ? id : undefined, hasText: typeof q.query === 'string' && q.query.length > 0, batched: false };
}

/**
 * After the body is read: a partner runs only an operation of the safelist, sent by id, that was
 * granted to them. Query text, an unknown id and an operation not granted are refused, each with its
 * own code; nothing reaches a subgraph.
 */
export function partnerSafelist(safelist: Safelist): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const partner = res.locals.partner as Partner | undefined;
    if (!partner) return next();
    const pq = persistedQueryOf(req);
    if (pq.batched) return sendGraphQLError(res, 400, 'BAD_REQUEST', 'Batched requests are not accepted');
    if (pq.hasText || pq.id === undefined) {
      return sendGraphQLError(
        res,
        400,
        'PERSISTED_QUERY_REQUIRED',
        'Partners send the id of a persisted operation (extensions.persistedQuery.sha256Hash), never query text',
      );
    }
    const operation = safelist.byId.get(pq.id);
    if (!operation) return sendGraphQLError(res, 400, 'PERSISTED_QUERY_NOT_IN_LIST', `Operation ${pq.id} is not in the partner safelist`);
    if (!partner.operations.has(operation.id)) {
      return sendGraphQLError(res, 403, 'OPERATION_NOT_GRANTED', `Operation ${operation.name} is not granted to this API key`);
    }
    res.locals.admission = { partner, operation } satisfies PartnerAdmission;
    next();
  };
}
