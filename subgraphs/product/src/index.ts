import { loadConfig } from './config.js';
import { productSubgraph } from './server.js';

productSubgraph.run(loadConfig);
