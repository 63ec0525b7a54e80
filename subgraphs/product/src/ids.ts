import { Types } from 'mongoose';
import { badInput } from '@shop/kit';

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** A product or category id: 24 lower-case hex digits, else BAD_USER_INPUT (never a query operator). */
export function objectId(value: string, field: string): Types.ObjectId {
  if (typeof value !== 'string' || !OBJECT_ID.test(value)) throw badInput(`${field} is not a valid id`, field);
  return new Types.ObjectId(value);
}

/** Order ids are UUIDs (ARCHITECTURE §3). */
export function orderId(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(value))
    throw badInput('orderId is not a UUID', 'orderId');
  return value.toLowerCase();
}
