// The hour schedule (DESIGN D4; paper: D is the current hour since 1970 in a fixed time zone,
// entries re-published when D changes, two entries in parallel during a short transition).
// D counts UTC hours: floor(unix ms / 3 600 000); no time zone or DST can make peers disagree.
import { ProtocolError } from './errors.ts';

export const HOUR_MS = 3_600_000;

export interface ScheduleOptions {
  /** Publish and read next hour's entries this long before the boundary. */
  readonly leadMs: number;
  /** Keep reading last hour's entries this long after the boundary. */
  readonly graceMs: number;
}

/**
 * Defaults: a 5 min lead covers publishers whose clocks run up to 5 min fast and the time a
 * refresh takes; a 10 min grace covers slow clocks and a refresh that was late by one jitter.
 * Refresh every 15-20 min with jitter (DESIGN D4).
 */
export const SCHEDULE_DEFAULTS = {
  leadMs: 5 * 60 * 1000,
  graceMs: 10 * 60 * 1000,
  refreshMinMs: 15 * 60 * 1000,
  refreshMaxMs: 20 * 60 * 1000,
} as const;

function expectTime(unixMs: number): number {
  if (!Number.isSafeInteger(unixMs) || unixMs < 0) throw ProtocolError.OUT_OF_RANGE('unix time');
  return unixMs;
}

function expectSpan(ms: number, what: string): number {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > HOUR_MS / 2) throw ProtocolError.OUT_OF_RANGE(what);
  return ms;
}

export function hourOf(unixMs: number): number {
  return Math.floor(expectTime(unixMs) / HOUR_MS);
}

/** Hours to publish entries for: [D], or [D, D+1] within leadMs of the next boundary. */
export function publishHours(unixMs: number, opts: Pick<ScheduleOptions, 'leadMs'>): number[] {
  const lead = expectSpan(opts.leadMs, 'lead');
  const hour = hourOf(unixMs);
  return (hour + 1) * HOUR_MS - unixMs <= lead ? [hour, hour + 1] : [hour];
}

/**
 * Hours to read, most likely first: D always; D-1 within graceMs after the boundary (the peer
 * has not refreshed yet, or its clock is slow); D+1 within leadMs before the next boundary
 * (the peer's clock is fast). Away from boundaries readers read only D, so one lookup batch
 * per contact and replica is enough for most of the hour.
 */
export function lookupHours(unixMs: number, opts: ScheduleOptions): number[] {
  const lead = expectSpan(opts.leadMs, 'lead');
  const grace = expectSpan(opts.graceMs, 'grace');
  const hour = hourOf(unixMs);
  const hours = [hour];
  if (unixMs - hour * HOUR_MS < grace && hour > 0) hours.push(hour - 1);
  if ((hour + 1) * HOUR_MS - unixMs <= lead) hours.push(hour + 1);
  return hours;
}

/**
 * Delay before the next refresh, uniform in [minMs, maxMs] from at least 4 random bytes the
 * caller passes (jitter keeps a profile's puts from lining up with its contacts' or the hour).
 */
export function nextRefreshDelay(random: Uint8Array, opts: { readonly minMs: number; readonly maxMs: number }): number {
  if (!(random instanceof Uint8Array) || random.length < 4) throw ProtocolError.BAD_LENGTH('refresh randomness', '>= 4');
  const { minMs, maxMs } = opts;
  if (!Number.isSafeInteger(minMs) || !Number.isSafeInteger(maxMs) || minMs < 0 || maxMs < minMs) {
    throw ProtocolError.OUT_OF_RANGE('refresh window');
  }
  const u = ((random[0]! << 24) | (random[1]! << 16) | (random[2]! << 8) | random[3]!) >>> 0;
  return minMs + Math.floor((u / 0x100000000) * (maxMs - minMs + 1));
}
