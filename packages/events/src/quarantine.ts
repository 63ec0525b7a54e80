import type { Connection } from 'mongoose';
import { oneLine, table } from './dlq-command.js';

/** Quarantined outbox records (see outbox.ts), for operators: `npm run outbox -- quarantined`. */

export interface QuarantinedRecord {
  collection: string;
  id: string;
  quarantinedAt: Date;
  reason: string;
  /** The stored event's `type`, when it has one. */
  subject?: string;
}

/** Every quarantined outbox record of a database, across its collections (the `outbox quarantined` command). */
export async function listQuarantined(db: NonNullable<Connection['db']>): Promise<QuarantinedRecord[]> {
  const out: QuarantinedRecord[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await db
      .collection(name)
      .find({ quarantinedAt: { $ne: null } }, { projection: { _id: 1, quarantinedAt: 1, quarantineReason: 1, 'event.type': 1 } })
      .sort({ quarantinedAt: 1 })
      .toArray();
    for (const d of docs) {
      const subject = (d.event as { type?: unknown } | null | undefined)?.type;
      out.push({
        collection: name,
        id: String(d._id),
        quarantinedAt: d.quarantinedAt as Date,
        reason: String(d.quarantineReason ?? ''),
        ...(typeof subject === 'string' ? { subject } : {}),
      });
    }
  }
  return out;
}

export function formatQuarantined(list: readonly QuarantinedRecord[]): string {
  if (list.length === 0) return 'No quarantined outbox records.\n';
  const rows = [['COLLECTION', 'ID', 'QUARANTINED AT', 'SUBJECT', 'REASON']];
  for (const q of list) rows.push([q.collection, q.id, q.quarantinedAt.toISOString(), q.subject ?? '-', oneLine(q.reason, 160)]);
  return table(rows);
}
