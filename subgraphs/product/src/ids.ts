import { Types } from 'mongoose';
import { badInput, uuid } from '@shop/kit';

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** A product or category id: 24 lower-case hex digits, else BAD_USER_INPUT (never a query operator). */
export function objectId(value: string, field: string): Types.ObjectId {
  if (typeof value !== 'string' || !OBJECT_ID.test(value)) throw badInput(`${field} is not a valid id`, field);
  return new Types.ObjectId(value);
}

/** Order ids are UUIDs (docs/design.md §3). */
export const orderId = (value: string): string => uuid(value, 'orderId');
