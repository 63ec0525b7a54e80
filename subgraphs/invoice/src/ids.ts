const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Invoice and order ids are UUIDs (ARCHITECTURE §3); anything else is simply not found, never a query. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value.toLowerCase());
