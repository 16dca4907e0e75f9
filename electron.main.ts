// Electron entry point: composes the shell (src/shell, docs/ARCHITECTURE.md "Electron shell") with
// the real Electron and the profile host of src/main/host. Lifecycle only (DESIGN D1); logic lives
// in the modules it composes, which are tested with Electron passed in.
// Outside Electron (unit tests, tsc) importing this file starts nothing.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { secureWindowOptions } from './src/shell/security.ts';

/** Where a bundled build keeps its parts (dist/electron.main.js next to dist/preload.cjs and dist/renderer/). */
export function bundlePaths(mainFile: string): { preloadPath: string; staticDir: string } {
  const dir = dirname(mainFile);
  return { preloadPath: join(dir, 'preload.cjs'), staticDir: join(dir, 'renderer') };
}

if (process.versions.electron) {
  const { app } = await import('electron');
  const { electronPort } = await import('./src/shell/electron-adapter.ts');
  const { startShell } = await import('./src/shell/shell.ts');
  const { desktopNetwork, openProfileHost } = await import('./src/main/host/index.ts');
  const log = (line: string): void => { process.stderr.write(`[sotto] ${line}\n`); };
  const home = process.env.SOTTO_HOME ?? join(app.getPath('userData'), 'profiles');
  await startShell({
    electron: electronPort(),
    argv: process.argv,
    ...bundlePaths(fileURLToPath(import.meta.url)),
    openProfile: ({ actions, idleSeconds }) => openProfileHost({
      profileDir: join(home, 'default'),
      testbedPath: process.env.SOTTO_TESTBED ?? null,
      defaultTestbedPath: join(process.cwd(), '.testbed', 'testbed.json'),
      network: desktopNetwork({ packaged: app.isPackaged, testbedPath: process.env.SOTTO_TESTBED || null }),
      resourcesDir: process.resourcesPath, packaged: app.isPackaged,
      log, actions, idleSeconds,
    }),
    log,
  });
}
