import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Category, StockMovement } from './Category.js';
import { Mutation } from './Mutation.js';
import { Product } from './Product.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Mutation, Product, Category, StockMovement };
