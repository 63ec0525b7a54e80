/**
 * Resume tokens of the live order feed (`id:` of each Server-Sent Event, sent back by the client as
 * `Last-Event-ID`): the position of this connection in each of the three streams an order's events are
 * stored in, `o<ORDERS seq>.p<PAYMENTS seq>.i<INVOICES seq>`. Stream sequences are global to the
 * stream, so a token written by one gateway replica resumes on any other.
 */
export const LIVE_STREAMS = ['ORDERS', 'PAYMENTS', 'INVOICES'] as const;
export type LiveStream = (typeof LIVE_STREAMS)[number];
export type Positions = Record<LiveStream, number>;

const TOKEN = /^o(\d{1,15})\.p(\d{1,15})\.i(\d{1,15})$/;

export const formatToken = (p: Positions): string => `o${p.ORDERS}.p${p.PAYMENTS}.i${p.INVOICES}`;

/** The positions a token names, or undefined for anything that is not a token (the route answers 400). */
export function parseToken(token: string): Positions | undefined {
  const m = TOKEN.exec(token.trim());
  if (!m) return undefined;
  return { ORDERS: Number(m[1]), PAYMENTS: Number(m[2]), INVOICES: Number(m[3]) };
}

/** `shop.order.paid.v1` → `order.paid`: the SSE `event:` name. */
export function eventName(subject: string): string {
  const m = /^shop\.([a-z0-9-]+)\.([a-z0-9-]+)\.v\d+$/.exec(subject);
  return m ? `${m[1]}.${m[2]}` : 'unknown';
}
