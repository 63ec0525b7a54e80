import type { Model } from 'mongoose';
import { isDuplicateKey } from '@shop/kit';

/**
 * Inserts `doc` unless a document with the same unique key exists; true if this call inserted it.
 * The consumer pattern of docs/design.md §6: the handler's own state change carries the event id under a
 * unique key (`_id` or a unique index), so a redelivered event collides instead of acting twice — in
 * the same write as the effect, never as a separate "processed" marker written first.
 */
export async function insertOnce<T>(model: Model<T>, doc: Partial<T>, index?: string): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err, index)) return false;
    throw err;
  }
}
