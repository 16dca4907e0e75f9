/** Absolute path of the Electron binary the `electron` package downloaded, or null (scripts/electron-binary.mjs). */
export function electronBinary(): string | null;
