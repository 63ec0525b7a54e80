import { describe, expect, it } from 'vitest';
import { dbBackend } from './ferretdb.js';

describe('SHOP_DB_BACKEND', () => {
  it('defaults to postgresql when unset or empty', () => {
    expect(dbBackend({})).toBe('postgresql');
    expect(dbBackend({ SHOP_DB_BACKEND: ' ' })).toBe('postgresql');
  });

  it('accepts sqlite and postgresql', () => {
    expect(dbBackend({ SHOP_DB_BACKEND: 'sqlite' })).toBe('sqlite');
    expect(dbBackend({ SHOP_DB_BACKEND: 'postgresql' })).toBe('postgresql');
  });

  it('refuses anything else, naming the values it takes', () => {
    expect(() => dbBackend({ SHOP_DB_BACKEND: 'postgres' })).toThrow('SHOP_DB_BACKEND must be one of postgresql, sqlite, not "postgres"');
    expect(() => dbBackend({ SHOP_DB_BACKEND: 'mongodb' })).toThrow(/must be one of/);
  });
});
