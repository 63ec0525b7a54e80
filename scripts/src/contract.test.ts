import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ROOT } from '@shop/harness';
import { compose } from './composition.js';
import { CONTRACT_PATH, contractGaps } from './contract.js';

const SHARED_CONTRACT = join(ROOT, '..', 'shared', 'contract.graphql');
const composed = compose();

describe('the public contract', () => {
  it('is the committed copy of the shared contract', () => {
    // CI has ../shared beside the clone; the copy keeps the repo self-contained elsewhere.
    if (existsSync(SHARED_CONTRACT)) expect(readFileSync(CONTRACT_PATH, 'utf8')).toBe(readFileSync(SHARED_CONTRACT, 'utf8'));
    else expect(readFileSync(CONTRACT_PATH, 'utf8')).toContain('type Query');
  });

  it('is fully covered by the composed API schema', () => {
    expect(contractGaps(composed.apiSchema)).toEqual([]);
  });

  it('is checked for missing fields, changed nullability and missing enum values', () => {
    const broken = composed.apiSdl
      .replace(/\n\s+"""Stock-keeping unit, unique."""\n\s+sku: String!/, '')
      .replace(/(type ProductConnection \{[^}]*?)totalCount: Int!/, '$1totalCount: Int')
      .replace(/\n\s+"""Cheapest first."""\n\s+PRICE_ASC/, '');
    const gaps = contractGaps(buildSchema(broken));
    expect(gaps).toEqual(
      expect.arrayContaining([
        'Product.sku is missing',
        'ProductConnection.totalCount: Int, contract says Int!',
        'enum value ProductSort.PRICE_ASC is missing',
      ]),
    );
  });

  it('matches the committed supergraph and API schema (run npm run compose after changing an SDL)', () => {
    expect(readFileSync(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8')).toBe(composed.supergraphSdl);
    expect(readFileSync(join(ROOT, 'schema', 'api.graphql'), 'utf8')).toBe(composed.apiSdl);
  });
});
