import { describe, expect, it } from 'vitest';
import { errorSentence, locateErrors, paymentFailureSentence, unitsLeft } from './user-errors.js';

/** Every code of ARCHITECTURE.md §4 a shopper can meet in the cart, checkout or payment. */
const SHOPPER_CODES = [
  'CART_NOT_FOUND',
  'CART_NOT_ACTIVE',
  'PRODUCT_NOT_FOUND',
  'PRODUCT_UNAVAILABLE',
  'INVALID_QUANTITY',
  'TOO_MANY_LINES',
  'OUT_OF_STOCK',
  'CART_EMPTY',
  'INVALID_EMAIL',
  'INVALID_ADDRESS',
  'ORDER_NOT_FOUND',
  'ORDER_NOT_CANCELLABLE',
  'INVALID_TRANSITION',
  'ORDER_NOT_PAYABLE',
  'PAYMENT_IN_PROGRESS',
  'CARD_DECLINED',
  'INSUFFICIENT_FUNDS',
  'INVALID_PAYMENT_TOKEN',
  'PROVIDER_UNAVAILABLE',
  'PAYMENT_NOT_FOUND',
];

describe('errorSentence', () => {
  it('says every shopper-facing code as a sentence of its own (no code, no developer message)', () => {
    const sentences = SHOPPER_CODES.map((code) => errorSentence({ code, message: 'internal detail' }));
    for (const [i, s] of sentences.entries()) {
      expect(s, SHOPPER_CODES[i]).toMatch(/^[A-Z].*[.]$/);
      expect(s).not.toContain('internal detail');
      expect(s).not.toContain(SHOPPER_CODES[i]);
    }
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('takes how many are left from an OUT_OF_STOCK message', () => {
    expect(errorSentence({ code: 'OUT_OF_STOCK', message: 'only 3 left of product p1; the cart already holds 2' })).toBe(
      'Only 3 left in stock: lower the quantity.',
    );
    expect(errorSentence({ code: 'OUT_OF_STOCK', message: 'only 0 left of product p1, 2 wanted' })).toBe('This product is out of stock.');
    expect(errorSentence({ code: 'OUT_OF_STOCK', message: 'gone' })).toBe('There is not enough stock for this quantity.');
    expect(unitsLeft('Only 12 left of product x')).toBe(12);
  });

  it('still says something true for a code it does not know', () => {
    expect(errorSentence({ code: 'NEW_CODE', message: '' })).toBe('Something could not be done (NEW_CODE).');
  });

  it('words a failed payment by its failure code', () => {
    expect(paymentFailureSentence('CARD_DECLINED')).toBe('Your card was declined. Try another card.');
    expect(paymentFailureSentence(null)).toBeUndefined();
  });
});

describe('locateErrors', () => {
  it('puts a cart mutation’s error on the line its field index points at', () => {
    const located = locateErrors(
      [{ code: 'OUT_OF_STOCK', message: 'only 1 left of product p2', field: ['lines', '0', 'quantity'] }],
      ['p2'],
      ['p1', 'p2'],
    );
    expect(located.byProduct.get('p2')?.map((e) => e.code)).toEqual(['OUT_OF_STOCK']);
    expect(located.general).toEqual([]);
  });

  it('puts a checkout error on the line whose product its message names, others above the cart', () => {
    const located = locateErrors(
      [
        { code: 'OUT_OF_STOCK', message: 'only 0 left of product 665f00000000000000000002, 1 wanted', field: ['input', 'cartId'] },
        { code: 'INVALID_EMAIL', message: 'not an email', field: ['input', 'email'] },
      ],
      [],
      ['665f00000000000000000001', '665f00000000000000000002'],
    );
    expect(located.byProduct.get('665f00000000000000000002')?.map((e) => e.code)).toEqual(['OUT_OF_STOCK']);
    expect(located.general.map((e) => e.code)).toEqual(['INVALID_EMAIL']);
  });
});
