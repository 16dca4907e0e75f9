// Links from messages open in the system browser only (docs/ARCHITECTURE.md "src/ipc"): http and
// https, nothing else (no file:, javascript:, custom schemes that launch local programs).
import { z } from 'zod';

export const MAX_EXTERNAL_URL_CHARS = 2048;

export function isExternalUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
}

export const externalUrlSchema = z.string().max(MAX_EXTERNAL_URL_CHARS, 'the link is too long').refine(isExternalUrl, 'only http and https links open outside Sotto');
