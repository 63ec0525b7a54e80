/** What the provider sandboxes share; production services never import it (eslint.config.js boundaries). */
export * from './rest.js';
