import type { BaseContext } from '@shop/kit';
import type { ProductConfig } from './config.js';
import type { Loaders } from './loaders.js';
import type { CatalogAdmin } from './admin.js';
import type { Catalog } from './listing.js';
import type { Reservations } from './reservations.js';
import type { StockLedger } from './stock.js';

/** What every product resolver gets: the verified caller, per-request loaders and the domain services. */
export interface ProductContext extends BaseContext {
  config: Pick<ProductConfig, 'STORE_CURRENCY' | 'LOW_STOCK_THRESHOLD'>;
  loaders: Loaders;
  catalog: Catalog;
  admin: CatalogAdmin;
  ledger: StockLedger;
  reservations: Reservations;
}
