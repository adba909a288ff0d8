import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The staff console. Built by the root `npm run build` into dist/console, which the backend serves at
 * /admin (src/modules/admin-console) under a Content-Security-Policy without 'unsafe-inline': so no
 * inline script or style may end up in index.html, and assets stay files of their own.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Mantine marks its modules "use client" (for React Server Components); meaningless in a bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  // `npm run dev:console`: the page with hot reload, the API from `npm start` on port 3000.
  server: { proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` } },
  logLevel: 'warn',
});
