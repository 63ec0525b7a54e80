import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ValidationRule } from 'graphql';
import type { GatewayConfig } from './config.js';

export type QueryLimits = Pick<
  GatewayConfig,
  'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_COST' | 'MAX_TOKENS' | 'MAX_DIRECTIVES' | 'MAX_LIST_LENGTH'
>;

/**
 * Query limits checked before anything runs: GraphQL Armor's depth, cost, aliases and directives
 * (refusals are GRAPHQL_VALIDATION_FAILED, 400), the parser's token limit (GRAPHQL_PARSE_FAILED,
 * 400), field suggestions masked in production, and our own bound on list lengths inside variables
 * (the one thing Armor cannot see: a 1 MB body can hold a list of 40 000 ids).
 */
export function queryLimits(
  limits: QueryLimits,
  production: boolean,
): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[]; parseOptions: { maxTokens?: number } } {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.MAX_DEPTH, ignoreIntrospection: true },
    maxAliases: { n: limits.MAX_ALIASES },
    costLimit: { maxCost: limits.MAX_COST },
    // Token counting is done by graphql-js's own parser limit (`parseOptions` below): Armor's token
    // plugin throws from a hook, which Apollo Server 5 answers with a 500 instead of a 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.MAX_DIRECTIVES },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  // Armor's types come from Apollo's CommonJS build; the plugins are the same objects.
  const armorPlugins = armor.plugins as unknown as ApolloServerPlugin[];
  return {
    plugins: [...armorPlugins, listLengthLimit(limits.MAX_LIST_LENGTH)],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.MAX_TOKENS },
  };
}

/** The longest list anywhere in `value` (iterative, so a deeply nested value cannot overflow the stack). */
export function longestList(value: unknown, stopAbove = Infinity): number {
  let longest = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      longest = Math.max(longest, v.length);
      if (longest > stopAbove) return longest;
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const item of Object.values(v)) stack.push(item);
    }
  }
  return longest;
}

function listLengthLimit(max: number): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ request }) => {
          const longest = longestList(request.variables, max);
          if (longest <= max) return Promise.resolve();
          return Promise.reject(
            new GraphQLError(`A list in the variables has ${longest} or more items; at most ${max} are accepted`, {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            }),
          );
        },
      }),
  };
}
