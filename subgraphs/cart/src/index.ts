import { loadConfig } from './config.js';
import { cartSubgraph } from './server.js';

cartSubgraph.run(loadConfig);
