/**
 * Loads the demo catalog through the gateway as an admin, once: it does nothing when products exist.
 * `npm run seed -- --url http://127.0.0.1:4000/graphql --identity http://127.0.0.1:4022` (the defaults)
 * seeds a running supergraph, as an admin whose token the identity sandbox mints.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_IDENTITY_URL, mintDevToken } from '@shop/identity-sandbox';
import { CATEGORIES, demoProducts } from './seed-data.js';

async function gql(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/**
 * Seeds the demo catalog unless its last product is already there; an interrupted seed resumes
 * (existing SKUs and slugs are skipped). Returns how many products it created.
 */
export async function seedCatalog(url: string, token: string, progress: (msg: string) => void = () => {}): Promise<number> {
  const products = demoProducts();
  const last = await gql(url, token, 'query ($slug: String) { product(slug: $slug) { id } }', { slug: products.at(-1)!.slug });
  if (last.product) {
    progress('demo catalog already loaded');
    return 0;
  }
  for (const input of CATEGORIES) {
    const r = await gql(
      url,
      token,
      'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { userErrors { code message } } }',
      { input },
    );
    const errors = r.createCategory.userErrors.filter((e: { code: string }) => e.code !== 'SLUG_TAKEN');
    if (errors.length) throw new Error(`category ${input.slug}: ${JSON.stringify(errors)}`);
  }
  let done = 0;
  for (const input of products) {
    const r = await gql(
      url,
      token,
      'mutation ($input: CreateProductInput!) { createProduct(input: $input) { userErrors { code message } } }',
      { input },
    );
    const errors = r.createProduct.userErrors.filter((e: { code: string }) => e.code !== 'SKU_TAKEN' && e.code !== 'SLUG_TAKEN');
    if (errors.length) throw new Error(`product ${input.sku}: ${JSON.stringify(errors)}`);
    done++;
    if (done % 25 === 0 || done === products.length) progress(`seeded ${done}/${products.length} products`);
  }
  return done;
}

const invokedDirectly = process.argv[1]?.endsWith('seed.ts');
if (invokedDirectly) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
      identity: { type: 'string', default: DEFAULT_IDENTITY_URL },
    },
  });
  mintDevToken(values.identity, { sub: 'seed', roles: ['admin'], ttlSeconds: 3_600 })
    .then((token) => seedCatalog(values.url, token, (m) => process.stderr.write(`» ${m}\n`)))
    .then(
      (n) => process.stdout.write(`seeded ${n} products\n`),
      (err: unknown) => {
        process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
}
