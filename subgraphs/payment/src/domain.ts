import type { PaymentDoc, PaymentStatus, RecordDoc } from './model.js';

/** A payment as it is now: the document plus its records, newest last. */
export interface PaymentState {
  id: string;
  doc: PaymentDoc;
  version: number;
  status: PaymentStatus;
  providerReference: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  providerFinal: boolean;
  nextActionUrl: string | null;
  refundedAmount: number;
  updatedAt: Date;
  sourceEventIds: Set<string>;
  records: RecordDoc[];
}

/** What a resolver needs to name an order it does not own. */
export interface OrderRef {
  id: string;
}

export function stateOf(doc: PaymentDoc, records: readonly RecordDoc[]): PaymentState {
  const last = records.at(-1);
  return {
    id: doc._id,
    doc,
    version: last?.version ?? 0,
    status: last?.status ?? 'PENDING',
    providerReference: last?.providerReference ?? null,
    failureCode: last?.failureCode ?? null,
    failureMessage: last?.failureMessage ?? null,
    providerFinal: last?.providerFinal ?? false,
    nextActionUrl: last?.status === 'REQUIRES_ACTION' ? last.nextActionUrl : null,
    refundedAmount: last?.refundedAmount ?? 0,
    updatedAt: last?.at ?? doc.createdAt,
    sourceEventIds: new Set(records.map((r) => r.sourceEventId)),
    records: [...records],
  };
}

/** Still waiting for the provider: holds the order's in-flight slot. */
export const isInFlight = (s: PaymentStatus) => s === 'PENDING' || s === 'REQUIRES_ACTION';
/** Money was captured (possibly partly refunded since). */
export const wasCaptured = (s: PaymentStatus) => s === 'SUCCEEDED' || s === 'PARTIALLY_REFUNDED' || s === 'REFUNDED';
