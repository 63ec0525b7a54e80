import { badInput } from '@shop/kit';

export { idempotencyKey, isUuid, uuid } from '@shop/kit';

/** Free text such as a cancellation reason or a carrier: trimmed, printable, at most `max` characters. */
export function text(value: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const v = (value ?? '').trim();
  if (v === '') {
    if (required) throw badInput(`${field} is required`, field);
    return null;
  }
  if (v.length > max || /\p{Cc}/u.test(v)) throw badInput(`${field} must be at most ${max} printable characters`, field);
  return v;
}
