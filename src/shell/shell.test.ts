// The shell's logic with a recording fake of Electron (fake-electron.ts) and a real core on
// loopback services: single instance, hardening, the IPC sender check, deep links, session
// windows, events to every window, tray, quit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready } from '../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../main/store/index.ts';
import { LoopbackNetwork } from '../main/core/loopback-services.ts';
import { SottoCore, systemClock } from '../main/index.ts';
import { IpcHandler, UiSettings, type ProfileHost } from '../main/host/index.ts';
import type { Result } from '../ipc/index.ts';
import { FakeElectron, FakeEvent } from './fake-electron.ts';
import { startShell, type ShellOptions } from './shell.ts';

const LINK = 'sotto://invite/v1#AAAA';

async function shellFor(t: { after(fn: () => Promise<void>): void }, electron: FakeElectron, argv: string[] = ['electron']) {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-shell-'));
  await mkdir(join(root, 'renderer'));
  await writeFile(join(root, 'renderer', 'index.html'), '<!doctype html><title>Sotto</title>');
  const net = new LoopbackNetwork();
  let idleSeen: (() => number) | null = null;
  const openProfile: ShellOptions['openProfile'] = ({ actions, idleSeconds }) => {
    idleSeen = idleSeconds;
    const core = new SottoCore({ profileDir: join(root, 'p'), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS });
    const settings = new UiSettings(() => core.settingsStore());
    const handler = new IpcHandler({ core, settings, actions: { ...actions, activity: () => undefined } });
    const host: ProfileHost = { core, handler, settings, close: async () => { handler.close(); await core.close(); } };
    return host;
  };
  const shell = await startShell({ electron, argv, preloadPath: '/dist/preload.cjs', staticDir: join(root, 'renderer'), openProfile, log: () => undefined });
  t.after(async () => { await shell?.profile.close(); await rm(root, { recursive: true, force: true }); });
  return { shell, idle: () => idleSeen?.() };
}

const call = (e: FakeElectron, channel: string, sender: string | null, input?: unknown) => e.ipc.get(`sotto:${channel}`)!(sender, input) as Promise<Result<unknown>>;

test('a second instance hands over and quits without a window', async (t) => {
  const electron = new FakeElectron(false);
  const { shell } = await shellFor(t, electron);
  assert.equal(shell, null);
  assert.deepEqual(electron.calls, ['requestSingleInstanceLock', 'quit']);
  assert.equal(electron.windows.length, 0);
});

test('hardening: sandbox on, app scheme, sandboxed isolated windows, no navigation away, links to the system browser, permissions denied', async (t) => {
  const electron = new FakeElectron();
  await shellFor(t, electron);
  assert.ok(electron.calls.indexOf('enableSandbox') < electron.calls.indexOf('whenReady'), 'enableSandbox before ready');
  assert.ok(electron.calls.includes('registerAppScheme:app'));
  assert.ok(electron.calls.includes('setAsDefaultProtocolClient:sotto'));
  const [main] = electron.windows;
  assert.ok(main);
  const prefs = main.options.webPreferences!;
  assert.deepEqual([prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration, prefs.preload], [true, true, false, '/dist/preload.cjs']);
  assert.deepEqual(main.loaded, ['app://sotto/index.html#/']);
  assert.equal(main.webContents.navigate('https://evil.example/'), true, 'navigation away is stopped');
  assert.equal(main.webContents.navigate('file:///etc/passwd'), true);
  assert.equal(main.webContents.navigate('app://sotto/index.html#/settings'), false, 'our own routes are fine');
  assert.deepEqual(main.webContents.openHandler!({ url: 'https://example.org/a' }), { action: 'deny' });
  assert.deepEqual(main.webContents.openHandler!({ url: 'javascript:alert(1)' }), { action: 'deny' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(electron.external, ['https://example.org/a'], 'http(s) to the system browser, nothing else');
  for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) assert.equal(electron.permission!(p, 'app://sotto/'), false, p);
  assert.equal(electron.permission!('clipboard-sanitized-write', 'app://sotto/'), true, 'the Copy buttons');
  assert.equal(electron.permission!('clipboard-sanitized-write', 'https://evil.example/'), false);
});

test('the app protocol serves the build with a CSP and nothing outside it', async (t) => {
  const electron = new FakeElectron();
  await shellFor(t, electron);
  const page = await electron.protocolHandler!(new Request('app://sotto/index.html'));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'.*object-src 'none'/);
  assert.equal((await electron.protocolHandler!(new Request('app://sotto/../../etc/passwd'))).status, 404);
  assert.equal((await electron.protocolHandler!(new Request('app://other/index.html'))).status, 404);
});

test('IPC: every channel is handled, only for our own frames', async (t) => {
  const electron = new FakeElectron();
  await shellFor(t, electron);
  const { CHANNEL_NAMES } = await import('../ipc/index.ts');
  assert.deepEqual([...electron.ipc.keys()].sort(), CHANNEL_NAMES.map((n) => `sotto:${n}`).sort());
  const ok = await call(electron, 'status', 'app://sotto/index.html#/');
  assert.ok(ok.ok);
  for (const sender of ['https://evil.example/', 'file:///x/index.html', 'app://evil/index.html', null]) {
    const r = await call(electron, 'status', sender);
    assert.equal(r.ok ? 'ok' : r.error.code, 'IPC_FORBIDDEN', String(sender));
  }
  const bad = await call(electron, 'createProfile', 'app://sotto/', { displayName: 3 });
  assert.equal(bad.ok ? 'ok' : bad.error.code, 'IPC_BAD_INPUT');
});

test('deep links: from argv the main window opens on the accept dialog; later ones arrive as events', async (t) => {
  const electron = new FakeElectron();
  const { shell } = await shellFor(t, electron, ['electron', '.', LINK]);
  const [main] = electron.windows;
  assert.deepEqual(main!.loaded, [`app://sotto/index.html#/accept?link=${encodeURIComponent(LINK)}`]);
  main!.webContents.fire('did-finish-load');
  const second = 'sotto://invite/v1#BBBB';
  electron.appEvents.fire('second-instance', {}, ['electron', second]);
  assert.ok(main!.webContents.sent.some((m) => m.channel === 'sotto:event' && JSON.stringify(m.args[0]) === JSON.stringify({ type: 'deep-link', link: second })));
  assert.ok(main!.focused, 'the main window comes forward');
  const openUrl = new FakeEvent();
  electron.appEvents.fire('open-url', openUrl, 'sotto://invite/v1#CCCC');
  assert.equal(openUrl.prevented, true);
  assert.equal(main!.webContents.sent.filter((m) => (m.args[0] as { type?: string }).type === 'deep-link').length, 2);
  electron.appEvents.fire('open-url', new FakeEvent(), 'https://not-a-sotto-link.example/');
  assert.equal(main!.webContents.sent.filter((m) => (m.args[0] as { type?: string }).type === 'deep-link').length, 2);
  assert.equal(electron.windows.length, 1);
  assert.ok(shell);
});

test('session windows: one per conversation, hardened, focused when opened again; events reach every window', async (t) => {
  const electron = new FakeElectron();
  const { shell } = await shellFor(t, electron);
  const opened = await call(electron, 'openSession', 'app://sotto/', { contactId: 'abc' });
  assert.deepEqual(opened, { ok: true, value: { route: '#/session/abc', opened: true } });
  assert.equal(electron.windows.length, 2);
  const session = electron.windows[1]!;
  assert.deepEqual(session.loaded, ['app://sotto/index.html#/session/abc']);
  assert.equal(session.options.webPreferences?.sandbox, true);
  await call(electron, 'openSession', 'app://sotto/', { contactId: 'abc' });
  assert.equal(electron.windows.length, 2, 'the same conversation focuses its window');
  assert.ok(session.focused);
  assert.ok((await call(electron, 'createProfile', 'app://sotto/', { displayName: 'Ana', passphrase: 'pw' })).ok);
  for (const w of electron.windows) assert.ok(w.webContents.sent.some((m) => m.channel === 'sotto:event' && (m.args[0] as { type?: string }).type === 'status'));
  assert.match(electron.tray.tooltip, /^Sotto: Online$/);
  session.close();
  await call(electron, 'openSession', 'app://sotto/', { contactId: 'abc' });
  assert.equal(electron.windows.length, 3, 'a closed session window is opened anew');
  const sessionId = 'ab'.repeat(16);
  const group = await call(electron, 'openGroupWindow', 'app://sotto/', { sessionId });
  assert.deepEqual(group, { ok: true, value: { route: `#/group/${sessionId}`, opened: true } });
  assert.equal(electron.windows.length, 4, 'a group chat gets its own window');
  assert.deepEqual(electron.windows[3]!.loaded, [`app://sotto/index.html#/group/${sessionId}`]);
  await call(electron, 'openGroupWindow', 'app://sotto/', { sessionId });
  assert.equal(electron.windows.length, 4, 'the same group chat focuses its window');
  assert.ok(shell);
});

test('the tray sets the own status; OS idle time feeds auto-away; quitting closes the core first', async (t) => {
  const electron = new FakeElectron();
  const { shell, idle } = await shellFor(t, electron);
  electron.idle = 123;
  assert.equal(idle(), 123, 'powerMonitor idle seconds reach auto-away');
  assert.ok((await call(electron, 'createProfile', 'app://sotto/', { displayName: 'Ana', passphrase: 'pw' })).ok);
  const busy = electron.tray.menu.find((i) => i.label === 'Busy');
  busy!.click!();
  const deadline = Date.now() + 5_000;
  while (!/Busy/.test(electron.tray.tooltip) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(shell!.profile.core.status().presence.state, 'busy');
  assert.match(electron.tray.tooltip, /Busy/);
  const beforeQuit = new FakeEvent();
  electron.appEvents.fire('before-quit', beforeQuit);
  assert.equal(beforeQuit.prevented, true, 'the first quit waits for the core to go offline');
  await shell!.quit();
  assert.equal(shell!.profile.core.status().phase, 'closed');
  assert.ok(electron.calls.includes('quit'));
  assert.ok(electron.tray.destroyed);
});
