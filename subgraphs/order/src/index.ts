import { loadConfig } from './config.js';
import { orderSubgraph } from './server.js';

orderSubgraph.run(loadConfig);
