// Bootstrap status as tor reports it (control-spec 5.1 "Bootstrap phases"), both in STATUS_CLIENT
// events and in GETINFO status/bootstrap-phase: `NOTICE BOOTSTRAP PROGRESS=45 TAG=requesting_descriptors
// SUMMARY="Asking for relay descriptors"`, or `WARN BOOTSTRAP ... WARNING="..." REASON=...`.
import { parseKeywords } from './reply-parser.ts';

export interface BootstrapStatus {
  progress: number;
  tag: string;
  summary: string;
  /** Set when tor reported a problem (WARN BOOTSTRAP); progress then stays where it was. */
  warning?: string;
}

export function parseBootstrap(text: string): BootstrapStatus | null {
  const { positional, keywords } = parseKeywords(text);
  if (positional[1] !== 'BOOTSTRAP') return null;
  const progress = Number(keywords.get('PROGRESS'));
  if (!Number.isInteger(progress) || progress < 0 || progress > 100) return null;
  const status: BootstrapStatus = { progress, tag: keywords.get('TAG') ?? '', summary: keywords.get('SUMMARY') ?? '' };
  if (positional[0] === 'WARN') status.warning = keywords.get('WARNING') ?? keywords.get('REASON') ?? 'unknown';
  return status;
}
