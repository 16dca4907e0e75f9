// sotto:// invitation links the OS hands to the app: on macOS as `open-url`, elsewhere on the
// command line of the first instance or of a second one (forwarded by the single-instance lock).
export const DEEP_LINK_SCHEME = 'sotto';
/** An invitation link is a few hundred characters; anything far longer is not one. */
const MAX_LINK_CHARS = 4096;

export function isDeepLink(arg: string): boolean {
  return arg.length <= MAX_LINK_CHARS && arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`);
}

export function deepLinksIn(argv: readonly string[]): string[] {
  return argv.filter(isDeepLink);
}
