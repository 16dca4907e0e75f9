#!/usr/bin/env node
// `npm start`: the Sotto desktop app (docs/ARCHITECTURE.md "Browser host", "Electron shell").
// Electron where its runtime is present (node_modules/electron downloaded its binary), else the
// browser host, which prints `url: ...` and opens Chromium in app mode when a display exists.
// Both run on the local testbed (found, or started here). The parts are built first when missing
// or older than their sources. Extra arguments go to the host (`npm start -- --profile DIR`).
// Programs are spawned directly, never through a shell.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (st.isFile()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) if (name !== 'node_modules') newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when `output` is missing or older than any of `sources`. */
function stale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((s) => newestMtime(join(root, s)) > built);
}

function run(command, argv) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: root, stdio: 'inherit' });
    // Ctrl-C reaches the child through the terminal's process group; SIGTERM is passed on.
    const onInt = () => undefined;
    const onTerm = () => child.kill('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', (err) => { process.stderr.write(`cannot run ${command}: ${err.message}\n`); resolve(1); });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function step(label, command, argv) {
  process.stderr.write(`[start] ${label}\n`);
  const code = await run(command, argv);
  if (code !== 0) process.exit(code);
}

const node = process.execPath;
if (stale(join(root, 'dist', 'renderer', 'index.html'), ['src/renderer', 'src/ipc', 'vite.config.ts'])) {
  await step('building the window (npm run build:renderer)', node, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build']);
}

const electron = electronBinary();
if (electron) {
  if (stale(join(root, 'dist', 'electron.main.js'), ['electron.main.ts', 'src/shell', 'src/preload', 'src/main', 'src/ipc', 'src/protocol'])) {
    await step('bundling the desktop app (npm run build:electron)', node, [join(root, 'scripts', 'build-electron.mjs')]);
  }
  process.exit(await run(electron, [join(root, 'dist', 'electron.main.js'), ...args]));
}
process.stderr.write('[start] no Electron runtime here: starting the browser host (a Chromium app window opens when a display exists)\n');
process.exit(await run(node, ['--import', 'tsx', join(root, 'src', 'main', 'host', 'cli.ts'), ...args]));
