// First: the tracing bootstrap wraps http, undici and mongodb before anything loads them (no-op when off).
import '@shop/kit/tracing';
import { loadConfig } from './config.js';
import { orderSubgraph } from './server.js';

orderSubgraph.run(loadConfig);
