// Public surface of src/main/host (docs/ARCHITECTURE.md "Browser host"): what both desktop hosts
// share (the IPC handler, the profile host, settings, auto-away) and the browser host itself.
export { IpcHandler, type HostActions, type IpcHandlerOptions } from './ipc-handler.ts';
export { desktopNetwork, openProfileHost, type ProfileHost, type ProfileHostOptions } from './profile-host.ts';
export { UiSettings, toView, type SettingsPort, type StoredSettings, type SettingsView, type SettingsUpdate } from './ui-settings.ts';
export { AutoAway, type AutoAwayOptions } from './auto-away.ts';
export { startBrowserHost, newToken, MAX_FRAME_BYTES, MAX_CONNECTIONS, type BrowserHost, type BrowserHostOptions } from './browser-host.ts';
export { allowedHosts, allowedOrigins, contentSecurityPolicy, securityHeaders, contentType, staticPath } from './http-policy.ts';
export { HostError, type HostErrorCode } from './errors.ts';
export { runHost, type RunHostOptions } from './run-host.ts';
export { parseHostOptions, HOST_USAGE, DEFAULT_STATIC_DIR, type HostOptions } from './options.ts';
