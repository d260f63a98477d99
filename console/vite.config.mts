import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console: built into console/dist, served by the service at /console (ConsoleModule). */
export default defineConfig({
  root,
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything ships with the service: no CDN, nothing fetched at run time.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
