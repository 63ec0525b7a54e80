import type { Response } from 'express';

/**
 * Answers a request the gateway refuses before GraphQL runs (rate limit, API key, body size) in the
 * same shape as a GraphQL error response, so clients handle every refusal the same way.
 */
export function sendGraphQLError(res: Response, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
