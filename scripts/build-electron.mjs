#!/usr/bin/env node
// Bundles the Electron main process (electron.main.ts -> dist/electron.main.js, ESM) and the
// preload (src/preload/preload.ts -> dist/preload.cjs) with Vite (docs/ARCHITECTURE.md "Electron
// shell"). The preload runs sandboxed, where only `electron` can be required, so everything else
// (zod, the contract) is bundled into it; the main process keeps its npm dependencies external
// (electron-builder ships them). The renderer is built separately (`npm run build:renderer`).
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import { isNodeExternal } from './node-externals.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('../dist', import.meta.url));

const common = { configFile: false, root, logLevel: 'warn' };
await build({
  ...common,
  build: {
    outDir, emptyOutDir: false, ssr: true, target: 'node20', minify: false,
    rollupOptions: { input: { 'electron.main': `${root}/electron.main.ts` }, external: isNodeExternal, output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'main/[name]-[hash].js' } },
  },
});
await build({
  ...common,
  ssr: { noExternal: true },
  build: {
    outDir, emptyOutDir: false, ssr: true, target: 'node20', minify: false,
    rollupOptions: { input: { preload: `${root}/src/preload/preload.ts` }, external: (id) => id === 'electron', output: { format: 'cjs', entryFileNames: '[name].cjs' } },
  },
});
process.stdout.write(`built ${outDir}/electron.main.js and ${outDir}/preload.cjs\n`);
