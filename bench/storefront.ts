import { join } from 'node:path';
import { ROOT } from '@shop/harness';
import { firstPageScripts, kib } from '@shop/storefront/bundle';

/**
 * What a first visit downloads before the catalog can render: the scripts the built index.html loads
 * (entry and modulepreloads), raw and gzipped. Reads storefront/dist/public, which `npm run bench`
 * builds first (node scripts/bootstrap.mjs build).
 */
export function storefrontBundleRows(publicDir = join(ROOT, 'storefront', 'dist', 'public')): Record<string, string>[] {
  const scripts = firstPageScripts(publicDir);
  const rows = scripts.map((s) => ({ script: s.file, raw: kib(s.bytes), gzipped: kib(s.gzipBytes) }));
  const total = scripts.reduce((sum, s) => ({ bytes: sum.bytes + s.bytes, gzip: sum.gzip + s.gzipBytes }), { bytes: 0, gzip: 0 });
  return [...rows, { script: 'total (first page)', raw: kib(total.bytes), gzipped: kib(total.gzip) }];
}
