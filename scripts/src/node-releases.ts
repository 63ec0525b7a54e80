/**
 * The Node releases CI tests besides the machine's own (`npm run test:node`), by major: the supported
 * majors other than the oldest. A new patch release is a one-line change here.
 */
export const NODE_RELEASES: Readonly<Record<string, string>> = { '22': '22.23.5', '24': '24.22.3' };
