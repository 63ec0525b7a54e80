import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Invoice, InvoiceLine, Order, Party } from './Invoice.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Invoice, InvoiceLine, Party, Order };
