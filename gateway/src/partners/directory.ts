import { hashKey, looksLikeKey, type PartnerModels } from './registry.js';

export interface Partner {
  name: string;
  operations: ReadonlySet<string>;
}

/**
 * Finds the partner of an API key. Lookups are cached for `ttlMs` (0 = every request asks the
 * database), so a revocation takes effect within that time; unknown keys are cached too, so guessing
 * keys cannot turn into database load.
 */
export class PartnerDirectory {
  private readonly cache = new Map<string, { partner: Partner | null; until: number }>();

  constructor(
    private readonly models: PartnerModels,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async byKey(key: string): Promise<Partner | null> {
    if (!looksLikeKey(key)) return null;
    const id = hashKey(key);
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.partner;
    const doc = await this.models.Partner.findById(id).lean();
    const partner = doc && !doc.revokedAt ? { name: doc.name, operations: new Set(doc.operations) } : null;
    if (this.ttlMs > 0) {
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(id, { partner, until: now + this.ttlMs });
    }
    return partner;
  }
}
