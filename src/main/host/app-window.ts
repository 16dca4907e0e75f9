// Opens the browser host's page as an app window (Chromium `--app`) and links in the system
// browser (xdg-open). Programs are spawned directly, never through a shell. The token must not
// appear in a command line (other local users can read /proc/<pid>/cmdline), so Chromium is
// pointed at a launch page in a private temp folder that forwards to the URL with the token;
// the page is deleted once read (docs/THREAT-MODEL.md "Local browser host").
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HostError } from './errors.ts';

export function hasDisplay(env: Record<string, string | undefined>): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

async function executable(path: string): Promise<boolean> {
  try { await access(path, constants.X_OK); return true; } catch { return false; }
}

/** The first of `names` found on PATH (or the explicit override). */
export async function findProgram(names: string[], env: Record<string, string | undefined>, override?: string): Promise<string | null> {
  if (override) return (await executable(override)) ? override : null;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (await executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface AppWindow {
  close(): Promise<void>;
}

/** Starts Chromium in app mode on `url`; resolves once it is spawned. */
export async function openAppWindow(url: string, env: Record<string, string | undefined>, log: (line: string) => void): Promise<AppWindow> {
  const chromium = await findProgram(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'], env, env.SOTTO_CHROMIUM);
  if (!chromium) throw HostError.NO_BROWSER();
  const dir = await mkdtemp(join(tmpdir(), 'sotto-app-'));
  const launch = join(dir, 'open.html');
  await writeFile(launch, `<!doctype html><meta http-equiv="refresh" content="0;url=${escapeHtml(url)}"><title>Sotto</title>\n`, { mode: 0o600 });
  const child = spawn(chromium, [`--app=${pathToFileURL(launch).href}`, `--user-data-dir=${join(dir, 'chromium')}`, '--no-first-run', '--no-default-browser-check'], {
    stdio: 'ignore', detached: false,
  });
  child.on('error', (err) => log(`the app window failed: ${err.message}`));
  // Chromium reads the launch page at once; after that it only holds the token in memory.
  const forget = setTimeout(() => { void rm(launch, { force: true }); }, 10_000);
  forget.unref();
  log(`opened an app window (${chromium})`);
  return {
    close: async () => {
      clearTimeout(forget);
      if (child.exitCode === null) child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/** Opens an http(s) link (already checked by the contract) in the system browser. */
export async function openInSystemBrowser(url: string, env: Record<string, string | undefined>): Promise<void> {
  const opener = hasDisplay(env) ? await findProgram(['xdg-open'], env) : null;
  if (!opener) throw HostError.EXTERNAL_UNAVAILABLE();
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
