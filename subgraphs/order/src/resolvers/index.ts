import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Mutation } from './Mutation.js';
import { Order, OrderEvent, OrderLine } from './Order.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Mutation, Order, OrderLine, OrderEvent };
