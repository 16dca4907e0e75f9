// Which imports a Node bundle of Sotto leaves to node_modules and node itself: node's builtins and
// every package in package.json (electron-builder ships them; a benchmark's bundle finds them in the
// checkout). Shared by scripts/build-electron.mjs and bench/bundle.ts.
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const packages = ['electron', ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];

/** True for an import a Node bundle keeps external. */
export function isNodeExternal(id) {
  return builtins.has(id) || packages.some((p) => id === p || id.startsWith(`${p}/`));
}
