import { loadConfig } from './config.js';
import { invoiceSubgraph } from './server.js';

invoiceSubgraph.run(loadConfig);
