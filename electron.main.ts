// Electron entry point: lifecycle only (DESIGN.md D1). Builds the core from src/main, registers
// the IPC handlers and opens windows. Everything with side effects lives in src/main.
// The desktop shell is completed by the desktop issue; until then this file only proves that the
// Electron surface typechecks against the core.
import type { BrowserWindowConstructorOptions } from 'electron';

/** Window options every Sotto window uses (Signal-Desktop's hardening, without its exception). */
export function secureWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  };
}
