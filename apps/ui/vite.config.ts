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
    // The lazy YAML editor chunk (CodeMirror) is ~430 kB before gzip; the first page is ~105 kB.
    chunkSizeWarningLimit: 800,
  },
});
