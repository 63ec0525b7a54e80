/** Building blocks for the plain REST APIs of the provider sandboxes: errors as `{ error: { code, message } }`, bodies validated with zod, API keys compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Logger } from '@shop/kit';
/** The error body a REST API of ours answers with. */
export interface ApiErrorBody {
  error: { code: string; message: string; param?: string };
}

/** An error answered as `{ error: { code, message, param? } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.param ? { param: this.param } : {}) } };
  }
}

export function sendError(res: Response, err: ApiError): void {
  res.status(err.status).json(err.body);
}

/** Validates a JSON body; every problem is named in one 400 `invalid_request`. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_request', 'The body must be a JSON object (content-type: application/json)');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const message = issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  const first = issues[0]?.path.map(String).join('.');
  throw new ApiError(400, 'invalid_request', message, first || undefined);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `authorization: Bearer <key>`, compared in constant time (digests have equal length whatever is sent). */
export function requireApiKey(apiKey: string, name = 'API_KEY'): RequestHandler {
  const expected = digest(apiKey);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendError(res, new ApiError(401, 'unauthorized', `A valid API key is required: authorization: Bearer <${name}>`));
      return;
    }
    next();
  };
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, required on every POST that creates something. */
export function idempotencyKeyHeader(header: string | undefined): string {
  if (header === undefined || header === '') {
    throw new ApiError(400, 'idempotency_key_missing', 'The Idempotency-Key header is required on this request');
  }
  if (!KEY.test(header)) {
    throw new ApiError(400, 'invalid_idempotency_key', 'The Idempotency-Key must be 1 to 255 printable ASCII characters without spaces');
  }
  return header;
}

/** Body-parser failures are the client's; anything else is logged and masked. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof ApiError) {
      sendError(res, err);
      return;
    }
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.parse.failed') {
      sendError(res, new ApiError(400, 'invalid_json', 'The body is not valid JSON'));
      return;
    }
    if (type === 'entity.too.large') {
      sendError(res, new ApiError(413, 'request_too_large', 'The body is too large'));
      return;
    }
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, new ApiError(status, 'invalid_request', 'The request could not be read'));
      return;
    }
    log.error({ err }, 'internal error');
    sendError(res, new ApiError(500, 'internal_error', 'Internal error'));
  };
}
