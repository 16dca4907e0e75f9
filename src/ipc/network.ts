// Network settings of a profile (docs/ARCHITECTURE.md "Network settings"): which tor runs and which
// registry gateways the registry uses. Stored in the profile's encrypted settings; the renderer
// edits them through `getNetwork` / `updateNetwork`, the console through flags. There is no torrc
// field on purpose: private-network lines come only from a testbed given on the command line.
import { z } from 'zod';
import { MAX_GATEWAY_URL_CHARS, gatewayUrl, parseGatewayUrl } from '../protocol/invitation-gateways.ts';
import { isProtocolError } from '../protocol/errors.ts';

/** A person may list more gateways than an invitation carries (the first 4 go into invitations). */
export const MAX_CONFIGURED_GATEWAYS = 8;

export const torChoiceSchema = z.discriminatedUnion('kind', [
  /** The tor shipped with the app (resources/tor/<platform>-<arch>/); a development checkout also looks on PATH. */
  z.strictObject({ kind: z.literal('bundled') }),
  /** The system's tor, found on PATH. */
  z.strictObject({ kind: z.literal('system') }),
  /** This executable and nothing else. */
  z.strictObject({ kind: z.literal('path'), path: z.string().trim().min(1, 'the tor path is empty').max(4096) }),
]);

/**
 * The network the person chose for the profile (onboarding, Settings > Network), applied at each
 * unlock (src/main/host/profile-network.ts): 'sandbox' runs on the local test network the host
 * was started with (and, like every profile before this choice existed, on the public network
 * under `--network public`); 'tor' always runs on the public Tor network, testbed or not.
 */
export const networkKindSchema = z.enum(['sandbox', 'tor']);

export const networkStoredSchema = z.object({
  kind: networkKindSchema,
  tor: torChoiceSchema,
  /** Canonical gateway URLs (`http://<onion>:<port>`), in the person's order. */
  gateways: z.array(z.string().max(MAX_GATEWAY_URL_CHARS)).max(MAX_CONFIGURED_GATEWAYS),
  /** The inviter's name when the list was taken from an invitation; null when the person set it. */
  gatewaysFrom: z.string().max(256).nullable(),
});

export const gatewayHealthSchema = z.object({
  url: z.string(),
  /** What this app saw through tor since the profile was unlocked: nothing yet, a success last, or a failure last. */
  state: z.enum(['unknown', 'reachable', 'failing']),
  lastSuccessAt: z.number().nullable(),
  lastFailureAt: z.number().nullable(),
  /** The registry's code of the last failure (GATEWAY_UNREACHABLE, GATEWAY_REFUSED, BAD_ANSWER, ...). */
  lastFailureCode: z.string().nullable(),
});

export const networkViewSchema = z.object({
  /** The stored choice; it applies at the next unlock, `network` is what this run uses. */
  kind: networkKindSchema,
  tor: torChoiceSchema,
  gateways: z.array(gatewayHealthSchema),
  gatewaysFrom: z.string().nullable(),
  /**
   * 'testbed': this run uses a local test network given on the command line (its gateways stand in
   * while the list is empty); 'public': the profile's own settings only.
   */
  network: z.enum(['testbed', 'public']),
  /** True when `gateways` are the testbed's stand-ins because the profile has none of its own. */
  standIn: z.boolean(),
});

/** Which networks a profile can choose in this app (asked before a profile exists). */
export const networkChoicesSchema = z.object({
  /** "Local sandbox": only where the app was started with a test network (never an installed app). */
  sandbox: z.boolean(),
});

/** A change: any field may be left out. Gateways as typed; the host checks each (BAD_GATEWAY_URL). */
export const networkUpdateSchema = z.strictObject({
  kind: networkKindSchema.optional(),
  tor: torChoiceSchema.optional(),
  gateways: z.array(z.string().max(MAX_GATEWAY_URL_CHARS)).max(MAX_CONFIGURED_GATEWAYS).optional(),
});

export const DEFAULT_NETWORK: z.output<typeof networkStoredSchema> = { kind: 'sandbox', tor: { kind: 'bundled' }, gateways: [], gatewaysFrom: null };

export type GatewayLineCheck = { ok: true; url: string } | { ok: false; code: string; reason: string };
export type GatewayListCheck =
  | { ok: true; urls: string[] }
  | { ok: false; index: number; code: string; reason: string };

/** One typed gateway address, normalised (`http://<onion>:<port>`), or why not in words and a code. */
export function checkGatewayLine(typed: string): GatewayLineCheck {
  try {
    return { ok: true, url: gatewayUrl(parseGatewayUrl(typed.trim())) };
  } catch (err) {
    const code = isProtocolError(err) ? err.code : 'BAD_ENCODING';
    return { ok: false, code, reason: GATEWAY_REASONS[code] ?? GATEWAY_REASONS.BAD_ENCODING! };
  }
}

export interface GatewayProblem { index: number; code: string; reason: string }

/**
 * A typed list read line by line: blank lines are skipped, a line that repeats an earlier one is a
 * DUPLICATE, lines past the limit are TOO_MANY; every problem is kept so a form can show each.
 */
function readGatewayList(typed: readonly string[]): { urls: string[]; problems: GatewayProblem[] } {
  const problems: GatewayProblem[] = [];
  const urls: string[] = [];
  for (let index = 0; index < typed.length; index++) {
    if (typed[index]!.trim() === '') continue;
    const line = checkGatewayLine(typed[index]!);
    if (!line.ok) problems.push({ index, code: line.code, reason: line.reason });
    else if (urls.includes(line.url)) problems.push({ index, code: 'DUPLICATE', reason: 'This gateway is already in the list.' });
    else if (urls.length >= MAX_CONFIGURED_GATEWAYS) problems.push({ index, code: 'TOO_MANY', reason: `At most ${MAX_CONFIGURED_GATEWAYS} gateways.` });
    else urls.push(line.url);
  }
  return { urls, problems };
}

/** Every bad line of a typed list, in order (onboarding shows each one under the field). */
export function gatewayListProblems(typed: readonly string[]): GatewayProblem[] {
  return readGatewayList(typed).problems;
}

/**
 * Checks a typed gateway list (shared by the settings screen, for feedback as one types, and the
 * host, which refuses the update): the normalised URLs, or the first problem. Pure; the reason is
 * written for a person, the code for the log.
 */
export function checkGatewayList(typed: readonly string[]): GatewayListCheck {
  const { urls, problems } = readGatewayList(typed);
  return problems[0] ? { ok: false, ...problems[0] } : { ok: true, urls };
}

const GATEWAY_REASONS: Record<string, string> = {
  BAD_ENCODING: 'A gateway address looks like http://…56 letters and digits….onion, optionally with :port.',
  BAD_LENGTH: 'The .onion name must be exactly 56 letters and digits long.',
  BAD_CHECKSUM: 'This .onion address has a typo (its checksum does not match).',
  BAD_VERSION: 'This is not a current (version 3) .onion address.',
  OUT_OF_RANGE: 'The port must be between 1 and 65535.',
};
