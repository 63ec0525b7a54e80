/** Every subgraph, with its default local port (docs/design.md §8). */
export const SUBGRAPHS = [
  { name: 'product', port: 4001 },
  { name: 'cart', port: 4002 },
  { name: 'order', port: 4003 },
  { name: 'payment', port: 4004 },
  { name: 'invoice', port: 4005 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const defaultUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;
