import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app builds to dist/public (served by dist/server/serve.js, compiled by tsc -b next to it).
// /config.json is copied from public/ and replaced at serve time: one build for every port.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist/public', emptyOutDir: true, sourcemap: true },
  server: { port: 3000, strictPort: true },
});
