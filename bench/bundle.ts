// Bundles a benchmark's child entry as Sotto ships its main process (scripts/build-electron.mjs:
// one ESM file, npm packages external), so the child runs on plain node without tsx. Why: tsx's
// loader and its TypeScript transform add ~34 MB to a process's RSS (measured: the core process
// before unlock), which an installed app never carries; a memory figure must be the shipped one.
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Under node_modules: the bundle's bare imports resolve to the checkout's packages from there.
const outDir = join(root, 'node_modules', '.cache', 'sotto-bench');

/** Builds `entry` (a .ts file) and returns the path of the bundle to run with plain node. */
export async function bundleForNode(entry: string): Promise<string> {
  const name = basename(entry).replace(/\.ts$/, '');
  // Loaded here, not at the top: the benchmark bundles itself, and its child must not load vite.
  const [{ build }, { isNodeExternal }] = await Promise.all([import('vite'), import('../scripts/node-externals.mjs')]);
  await build({
    configFile: false, root, logLevel: 'warn',
    build: {
      outDir, emptyOutDir: false, ssr: true, target: 'node20', minify: false,
      rollupOptions: { input: { [name]: entry }, external: isNodeExternal, output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: `${name}-[hash].mjs` } },
    },
  });
  return join(outDir, `${name}.mjs`);
}
