import { useConfig } from '../config-context.js';
import { imageAllowed } from '../lib/config.js';

/**
 * A product image with its size set (no layout shift). Images from origins config.json does not list
 * are drawn as a placeholder with the product's initials, so the page never loads from unknown hosts.
 */
export function ProductImage({ src, name, size }: { src: string | undefined; name: string; size: number }) {
  const config = useConfig();
  if (src && imageAllowed(config, src)) {
    return <img src={src} alt={name} width={size} height={size} loading="lazy" className="product-image" />;
  }
  const initials = name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
  return (
    <svg role="img" aria-label={name} width={size} height={size} viewBox="0 0 100 100" className="product-image">
      <rect width="100" height="100" rx="8" fill="#e8eef6" />
      <text x="50" y="58" textAnchor="middle" fontSize="32" fill="#3a5a80" fontFamily="system-ui, sans-serif">
        {initials}
      </text>
    </svg>
  );
}
