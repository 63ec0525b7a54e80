/** A realistic, deterministic demo catalog: 12 categories (some nested) and 216 products with stock. */

export interface SeedCategory {
  slug: string;
  name: string;
  parentSlug?: string;
}

export interface SeedProduct {
  sku: string;
  slug: string;
  name: string;
  description: string;
  price: number;
  categorySlugs: string[];
  images: string[];
  initialStock: number;
}

export const CATEGORIES: SeedCategory[] = [
  { slug: 'home', name: 'Home & Kitchen' },
  { slug: 'cookware', name: 'Cookware', parentSlug: 'home' },
  { slug: 'tableware', name: 'Tableware', parentSlug: 'home' },
  { slug: 'outdoors', name: 'Outdoors' },
  { slug: 'camping', name: 'Camping', parentSlug: 'outdoors' },
  { slug: 'garden', name: 'Garden', parentSlug: 'outdoors' },
  { slug: 'apparel', name: 'Apparel' },
  { slug: 'footwear', name: 'Footwear', parentSlug: 'apparel' },
  { slug: 'office', name: 'Office' },
  { slug: 'stationery', name: 'Stationery', parentSlug: 'office' },
  { slug: 'electronics', name: 'Electronics' },
  { slug: 'audio', name: 'Audio', parentSlug: 'electronics' },
];

const RANGES: Record<string, { nouns: string[]; min: number; max: number }> = {
  cookware: { nouns: ['Skillet', 'Saucepan', 'Dutch Oven', 'Wok', 'Stockpot', 'Grill Pan'], min: 1_999, max: 18_999 },
  tableware: { nouns: ['Mug', 'Bowl', 'Dinner Plate', 'Teapot', 'Carafe', 'Serving Tray'], min: 899, max: 6_999 },
  camping: { nouns: ['Tent', 'Sleeping Bag', 'Headlamp', 'Camp Stove', 'Backpack', 'Water Filter'], min: 1_499, max: 39_999 },
  garden: { nouns: ['Hose', 'Trowel', 'Planter', 'Pruner', 'Watering Can', 'Rake'], min: 799, max: 9_999 },
  footwear: { nouns: ['Sneaker', 'Hiking Boot', 'Sandal', 'Loafer', 'Rain Boot', 'Slipper'], min: 2_999, max: 21_999 },
  apparel: { nouns: ['Rain Jacket', 'Hoodie', 'Wool Sweater', 'T-Shirt', 'Chinos', 'Beanie'], min: 1_499, max: 24_999 },
  stationery: { nouns: ['Notebook', 'Fountain Pen', 'Desk Pad', 'Planner', 'Pencil Set', 'Sketchbook'], min: 399, max: 7_999 },
  office: {
    nouns: ['Desk Lamp', 'Monitor Stand', 'Desk Organizer', 'Office Chair Cushion', 'Cable Tray', 'Whiteboard'],
    min: 1_999,
    max: 29_999,
  },
  audio: { nouns: ['Headphones', 'Earbuds', 'Bookshelf Speaker', 'Soundbar', 'Turntable', 'Portable Speaker'], min: 2_999, max: 49_999 },
};

const ADJECTIVES = ['Classic', 'Everyday', 'Nordic', 'Urban', 'Alpine', 'Coastal'];
const FINISHES = ['Slate', 'Ember', 'Sage', 'Sand', 'Midnight', 'Ivory', 'Copper', 'Fern'];

/** Mulberry32: a tiny seeded PRNG, so every machine gets the same catalog. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function demoProducts(): SeedProduct[] {
  const random = rng(20261125);
  const out: SeedProduct[] = [];
  for (const [category, range] of Object.entries(RANGES)) {
    for (const noun of range.nouns) {
      const group = out.length / 4;
      for (let i = 0; i < 4; i++) {
        const adjective = ADJECTIVES[(group + i) % ADJECTIVES.length]!; // four distinct adjectives per noun: unique names
        const finish = FINISHES[Math.floor(random() * FINISHES.length)]!;
        const name = `${adjective} ${noun} — ${finish}`;
        const sku = `${category.slice(0, 3).toUpperCase()}-${noun
          .replace(/[^A-Za-z]/g, '')
          .slice(0, 6)
          .toUpperCase()}-${String(out.length + 1).padStart(4, '0')}`;
        const price = Math.round((range.min + random() * (range.max - range.min)) / 100) * 100 - 1;
        const roll = random();
        const initialStock = roll < 0.08 ? 0 : roll < 0.2 ? 1 + Math.floor(random() * 5) : 6 + Math.floor(random() * 120);
        out.push({
          sku,
          slug: name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, ''),
          name,
          description: `The ${name.toLowerCase()} is a ${adjective.toLowerCase()} take on the ${noun.toLowerCase()}, finished in ${finish.toLowerCase()}. Built to last and easy to care for.`,
          price,
          categorySlugs: [category],
          images: [`https://cdn.shop.example/products/${sku.toLowerCase()}/1.jpg`],
          initialStock,
        });
      }
    }
  }
  return out;
}
