import { describe, expect, it } from 'vitest';

// `npm run test:node -- <major>` sets SHOP_NODE_MAJOR: this proves the pass ran under that Node,
// not under whatever `node` the machine has. In other runs there is nothing to compare with.
describe('the Node version the tests run under', () => {
  it.skipIf(!process.env.SHOP_NODE_MAJOR)('is the major that npm run test:node asked for (only under npm run test:node)', () => {
    expect(process.versions.node.split('.')[0]).toBe(process.env.SHOP_NODE_MAJOR);
  });
});
