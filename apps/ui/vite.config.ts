import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// Served by the Sluice server under /ui/ with a strict CSP: no inline script, no eval, nothing
// from another origin, so everything the app needs is in dist/.
export default defineConfig({
  base: '/ui/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The app must run without a module-preload polyfill injected inline.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
