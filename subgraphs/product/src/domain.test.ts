import { describe, expect, it } from 'vitest';
import { availabilityStatus, escapeRegex, normalize, searchText, searchTokens, slugify, validateProductFields } from './domain.js';

describe('availabilityStatus', () => {
  it.each([
    [0, 'OUT_OF_STOCK'],
    [-1, 'OUT_OF_STOCK'],
    [1, 'LOW_STOCK'],
    [5, 'LOW_STOCK'],
    [6, 'IN_STOCK'],
  ])('%i units with threshold 5 is %s', (n, status) => {
    expect(availabilityStatus(n, 5)).toBe(status);
  });
});

describe('text', () => {
  it('normalises accents, case and punctuation', () => {
    expect(normalize('  Crème Brûlée — 2× !')).toBe('creme brulee 2');
    expect(slugify('Crème Brûlée Mug')).toBe('creme-brulee-mug');
  });

  it('builds distinct search words and tokens', () => {
    expect(searchText(['Red Mug', 'MUG-001', 'a red mug'])).toBe('red mug 001 a');
    expect(searchTokens('  RED   mug red ')).toEqual(['red', 'mug']);
    expect(searchTokens(' !! ')).toBeUndefined();
  });

  it('escapes regex metacharacters, including operator-looking input', () => {
    expect(escapeRegex('a.b*(c)')).toBe('a\\.b\\*\\(c\\)');
    expect(new RegExp(escapeRegex('$gt')).test('$gt')).toBe(true);
  });
});

describe('validateProductFields', () => {
  it('accepts a valid product', () => {
    expect(
      validateProductFields({
        sku: 'MUG-001',
        name: 'Mug',
        description: '',
        price: 1299,
        images: ['https://x.test/a.png'],
        initialStock: 5,
      }),
    ).toEqual([]);
  });

  it('reports every problem with its code and field', () => {
    const problems = validateProductFields({ sku: 'bad sku', name: '', price: -1, initialStock: -3, slug: 'Not A Slug' });
    expect(problems.map((p) => [p.code, p.field.join('.')])).toEqual([
      ['INVALID_INPUT', 'input.sku'],
      ['INVALID_INPUT', 'input.name'],
      ['INVALID_PRICE', 'input.price'],
      ['INVALID_QUANTITY', 'input.initialStock'],
      ['INVALID_INPUT', 'input.slug'],
    ]);
  });
});
