import { createContext, useContext } from 'react';
import type { StorefrontConfig } from './lib/config.js';

export const ConfigContext = createContext<StorefrontConfig | null>(null);

export function useConfig(): StorefrontConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error('useConfig outside ConfigContext');
  return config;
}
