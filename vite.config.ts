// Builds the renderer (src/renderer) into dist/renderer/, which the browser host and the Electron
// shell serve. The output must run under a strict CSP (`script-src 'self'; style-src 'self'`):
// no inline scripts (the module-preload polyfill would be one) and no injected <style>.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./src/renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    // zxcvbn-ts's dictionaries (~1.2 MB) are one lazy chunk, loaded when a passphrase is typed.
    chunkSizeWarningLimit: 1300,
  },
});
