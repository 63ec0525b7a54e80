import { createHash, randomBytes } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { ensureIndexes, isDuplicateKey } from '@shop/kit';

/**
 * Registered partners. A key is shown once, when it is created; only its sha256 is stored (keys are
 * 32 random bytes, so a plain hash is enough — no password hashing needed). `_id` is the key hash, so
 * the per-request lookup is an `_id` match (which FerretDB pushes down).
 */
export interface PartnerDoc {
  _id: string;
  name: string;
  operations: string[];
  createdAt: Date;
  revokedAt?: Date | null;
}

/** Usage, appended by every gateway replica at each flush (docs/design.md §6: counters are inserts, not `$inc`). */
export interface UsageDoc {
  _id: string;
  partner: string;
  operationId: string;
  operationName: string;
  requests: number;
  failures: number;
  from: Date;
  to: Date;
}

export const PARTNER_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;
const KEY = /^shp_[A-Za-z0-9_-]{43}$/;

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');
export const looksLikeKey = (key: string): boolean => KEY.test(key);

export interface PartnerModels {
  Partner: Model<PartnerDoc>;
  Usage: Model<UsageDoc>;
}

export async function partnerModels(conn: Connection): Promise<PartnerModels> {
  const partnerSchema = new Schema<PartnerDoc>(
    {
      _id: String,
      name: { type: String, required: true },
      operations: { type: [String], required: true },
      createdAt: { type: Date, required: true },
      revokedAt: { type: Date, default: null },
    },
    { versionKey: false },
  );
  partnerSchema.index({ name: 1 }, { unique: true });
  const usageSchema = new Schema<UsageDoc>(
    {
      _id: String,
      partner: { type: String, required: true },
      operationId: { type: String, required: true },
      operationName: { type: String, required: true },
      requests: { type: Number, required: true },
      failures: { type: Number, required: true },
      from: { type: Date, required: true },
      to: { type: Date, required: true },
    },
    { versionKey: false },
  );
  usageSchema.index({ partner: 1, to: -1 });
  const models = {
    Partner: conn.models.Partner ?? conn.model<PartnerDoc>('Partner', partnerSchema, 'partners'),
    Usage: conn.models.Usage ?? conn.model<UsageDoc>('Usage', usageSchema, 'partner_usage'),
  };
  await ensureIndexes([models.Partner, models.Usage] as never[]);
  return models;
}

export class PartnerError extends Error {}

/** Registers a partner with the given operation ids and returns its key (the only time it exists in clear). */
export async function addPartner(models: PartnerModels, name: string, operations: readonly string[]): Promise<string> {
  if (!PARTNER_NAME.test(name)) throw new PartnerError(`"${name}" is not a valid partner name (a-z, 0-9 and -, 2..63 characters)`);
  if (operations.length === 0) throw new PartnerError('grant at least one operation (--ops <ids|names|all>)');
  const key = `shp_${randomBytes(32).toString('base64url')}`;
  try {
    await models.Partner.create({ _id: hashKey(key), name, operations: [...operations], createdAt: new Date(), revokedAt: null });
  } catch (err) {
    if (isDuplicateKey(err)) throw new PartnerError(`a partner named "${name}" already exists (revoked names are not reused)`);
    throw err;
  }
  return key;
}

/** Revokes a partner's key; true if it was active. The CLI is this document's only writer. */
export async function revokePartner(models: PartnerModels, name: string): Promise<boolean> {
  const res = await models.Partner.updateOne({ name, revokedAt: null }, { $set: { revokedAt: new Date() } });
  if (res.matchedCount === 0 && !(await models.Partner.exists({ name }))) throw new PartnerError(`no partner named "${name}"`);
  return res.modifiedCount === 1;
}

export async function listPartners(models: PartnerModels): Promise<Omit<PartnerDoc, '_id'>[]> {
  return models.Partner.find({}, { _id: 0 }).sort({ name: 1 }).lean<Omit<PartnerDoc, '_id'>[]>();
}

export interface UsageRow {
  partner: string;
  operationId: string;
  operationName: string;
  requests: number;
  failures: number;
  lastSeen: Date;
}

/** Sums the appended usage records per partner and operation (optionally for one partner, since a date). */
export async function usageReport(models: PartnerModels, opts: { partner?: string; since?: Date } = {}): Promise<UsageRow[]> {
  const filter: Record<string, unknown> = {};
  if (opts.partner) filter.partner = opts.partner;
  if (opts.since) filter.to = { $gte: opts.since };
  const rows = new Map<string, UsageRow>();
  for await (const u of models.Usage.find(filter).lean<UsageDoc>().cursor()) {
    const k = `${u.partner}\u0000${u.operationId}`;
    const row = rows.get(k) ?? {
      partner: u.partner,
      operationId: u.operationId,
      operationName: u.operationName,
      requests: 0,
      failures: 0,
      lastSeen: u.to,
    };
    row.requests += u.requests;
    row.failures += u.failures;
    if (u.to > row.lastSeen) row.lastSeen = u.to;
    rows.set(k, row);
  }
  return [...rows.values()].sort((a, b) => a.partner.localeCompare(b.partner) || a.operationName.localeCompare(b.operationName));
}
