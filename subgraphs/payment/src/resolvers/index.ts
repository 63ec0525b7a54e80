import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Mutation } from './Mutation.js';
import { Order } from './Order.js';
import { Payment } from './Payment.js';

export const resolvers: Resolvers = { Mutation, Payment, Order };
