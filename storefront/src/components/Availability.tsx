import type { AvailabilityStatus } from '../__generated__/graphql.js';

const LABELS: Record<AvailabilityStatus, string> = {
  IN_STOCK: 'In stock',
  LOW_STOCK: 'Low stock',
  OUT_OF_STOCK: 'Out of stock',
};

/** The availability badge: words (never colour alone), with how many are left when few are. */
export function AvailabilityBadge({ status, available }: { status: AvailabilityStatus; available: number }) {
  const text = status === 'LOW_STOCK' ? `${LABELS[status]}: ${available} left` : LABELS[status];
  return <span className={`badge badge-${status.toLowerCase().replace('_', '-')}`}>{text}</span>;
}
