import { loadConfig } from './config.js';
import { paymentSubgraph } from './server.js';

paymentSubgraph.run(loadConfig);
