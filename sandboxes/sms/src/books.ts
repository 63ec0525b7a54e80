import { join } from 'node:path';
import { z } from 'zod';
import { JsonStateFile } from '@shop/kit';
import type { SmsMessage } from './types.js';

const message = z.strictObject({
  id: z.string().min(1),
  to: z.string().min(1),
  body: z.string(),
  clientReference: z.string().min(1),
  status: z.literal('sent'),
  created: z.number().int().nonnegative(),
  requests: z.number().int().positive(),
}) satisfies z.ZodType<SmsMessage>;

/** `books.json`: every message sent, oldest first. */
export const booksSchema = z.strictObject({ version: z.literal(1), messages: z.array(message) });

/** The books file in `SANDBOX_STATE_DIR`. */
export const booksFile = (stateDir: string) => new JsonStateFile(join(stateDir, 'books.json'), booksSchema);
