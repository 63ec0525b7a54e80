import { describe, expect, it } from 'vitest';
import { NODE_RELEASES } from './node-releases.js';

// `npm run test:node -- <major>` sets SHOP_NODE_MAJOR: this proves the pass ran under that Node, not
// under whatever `node` the machine has. In `npm test` (the machine's Node) the major must be one the
// project supports: 20, the machine's, or one of the matrix's.
describe('the Node version the tests run under', () => {
  it('is the major npm run test:node asked for, or else a supported one', () => {
    const major = process.versions.node.split('.')[0]!;
    const asked = process.env.SHOP_NODE_MAJOR;
    if (asked) expect(major).toBe(asked);
    else expect(['20', ...Object.keys(NODE_RELEASES)]).toContain(major);
  });
});
