import type { FailureCode } from '@shop/payment/provider';

/** What a test token does (docs/design.md §4 "Payments"); any other token is refused as `invalid_token`. */
export type TokenBehaviour =
  | { outcome: 'succeed'; delayWebhook?: boolean; failOnceWith503?: boolean; loseWebhooks?: boolean; slowAnswer?: boolean }
  | { outcome: 'fail'; failureCode: FailureCode; failureMessage: string }
  | { outcome: 'requires_action' };

export const TEST_TOKENS = {
  tok_visa: { outcome: 'succeed' },
  tok_declined: { outcome: 'fail', failureCode: 'card_declined', failureMessage: 'The card was declined.' },
  tok_insufficient_funds: { outcome: 'fail', failureCode: 'insufficient_funds', failureMessage: 'The card has insufficient funds.' },
  tok_3ds: { outcome: 'requires_action' },
  tok_webhook_delayed: { outcome: 'succeed', delayWebhook: true },
  tok_processing_error: { outcome: 'succeed', failOnceWith503: true },
  tok_webhook_lost: { outcome: 'succeed', loseWebhooks: true },
  /** Charged at once, but every answer to its create call comes `SANDBOX_SLOW_ANSWER_MS` late and no webhook is sent. */
  tok_timeout_then_capture: { outcome: 'succeed', loseWebhooks: true, slowAnswer: true },
} as const satisfies Record<string, TokenBehaviour>;

export type TestToken = keyof typeof TEST_TOKENS;

export function tokenBehaviour(token: string): TokenBehaviour | undefined {
  return Object.hasOwn(TEST_TOKENS, token) ? TEST_TOKENS[token as TestToken] : undefined;
}
