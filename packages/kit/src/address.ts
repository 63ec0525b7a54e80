import { Schema } from 'mongoose';
import { z } from 'zod';

/**
 * A postal address as orders keep their shipping address and invoices their parties' (docs/design.md §3):
 * checked and normalised once, at checkout; `country` is ISO 3166-1 alpha-2, upper case. The zod schema
 * validates one read from another service; `addressSchema()` stores one in a document.
 */
export const Address = z.object({
  name: z.string(),
  line1: z.string(),
  line2: z.string().nullable(),
  city: z.string(),
  region: z.string().nullable(),
  postalCode: z.string(),
  country: z.string(),
});

export type Address = z.infer<typeof Address>;

/** The embedded (no `_id`) mongoose schema of an `Address`. */
export function addressSchema(): Schema<Address> {
  return new Schema<Address>(
    {
      name: { type: String, required: true },
      line1: { type: String, required: true },
      line2: { type: String, default: null },
      city: { type: String, required: true },
      region: { type: String, default: null },
      postalCode: { type: String, required: true },
      country: { type: String, required: true },
    },
    { _id: false },
  );
}
