import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Invoice, InvoiceLine, Party } from './Invoice.js';
import { Order } from './Order.js';
import { Query } from './Query.js';

export const resolvers: Resolvers = { Query, Invoice, InvoiceLine, Party, Order };
