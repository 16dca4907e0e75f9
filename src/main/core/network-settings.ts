// A profile's network settings (src/ipc/network.ts; docs/ARCHITECTURE.md "Network settings"): the
// tor to run and the registry gateways, kept in the profile's encrypted settings store. One object
// per profile host: the settings screen and the console edit it, the registry transport reads the
// gateway list from it per request (live-gateways.ts), invitations carry the list and an accepted
// invitation may fill an empty one. Gateway health is what this app saw through tor since it started.
import {
  DEFAULT_NETWORK, checkGatewayList, networkStoredSchema, networkUpdateSchema, type networkViewSchema,
} from '../../ipc/index.ts';
import { CodedError, MAX_INVITATION_GATEWAYS, gatewayUrl, parseGatewayUrl } from '../../protocol/index.ts';
import type { z } from 'zod';

export type StoredNetwork = z.output<typeof networkStoredSchema>;
export type NetworkView = z.output<typeof networkViewSchema>;
export type NetworkUpdate = z.output<typeof networkUpdateSchema>;
export type TorChoice = StoredNetwork['tor'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** The part of the profile store's settings this needs (src/main/store Settings). */
export interface NetworkSettingsPort {
  get(key: string): Promise<unknown>;
  set(key: string, value: Json): Promise<void>;
}

export type NetworkErrorCode = 'BAD_GATEWAY_URL' | 'NO_SANDBOX';

export class NetworkError extends CodedError<NetworkErrorCode> {
  override readonly name = 'NetworkError';
  constructor(code: NetworkErrorCode, message: string, readonly index?: number) {
    super(code, message);
  }

  /** `reason` is for a person (src/ipc/network.ts), `cause` the protocol's code. */
  static BAD_GATEWAY_URL(index: number, cause: string, reason: string): NetworkError {
    return new NetworkError('BAD_GATEWAY_URL', `gateway ${index + 1}: ${reason} (${cause})`, index);
  }

  static NO_SANDBOX(): NetworkError {
    return new NetworkError('NO_SANDBOX', 'this app was started without a local sandbox (testbed): only the Tor network can be chosen');
  }
}

const KEY = 'network.settings';

/** What the invitation code needs: the list to hand out, and a way to take an inviter's. */
export interface InvitationGateways {
  /** The profile's own gateways (never a testbed's stand-ins), at most MAX_INVITATION_GATEWAYS. */
  forInvitation(): string[];
  /** Takes `urls` when the profile has no gateway of its own; true when it did. */
  adopt(urls: readonly string[], inviterName: string): Promise<boolean>;
}

interface Sighting { lastSuccessAt: number | null; lastFailureAt: number | null; lastFailureCode: string | null }

export interface NetworkSettingsOptions {
  /** The unlocked profile's settings; throws LOCKED otherwise (SottoCore.settingsStore). */
  port: () => NetworkSettingsPort;
  /** A testbed's gateways, used while the profile has none (never stored, never in invitations). */
  standInGateways?: readonly string[];
  /**
   * Whether "Local sandbox" can be chosen: the host was started with a testbed. An installed app
   * (a host for the public network) has none, so a new profile there is on the Tor network and a
   * choice of the sandbox is refused (NO_SANDBOX). Default true (the test and bench hosts).
   */
  sandbox?: boolean;
  now?: () => number;
}

export class NetworkSettings implements InvitationGateways {
  #stored: StoredNetwork = DEFAULT_NETWORK;
  readonly #sightings = new Map<string, Sighting>();
  readonly #listeners = new Set<() => void>();
  #standIns: string[];
  /** Whether this run is on a testbed (its tor lines), whatever its gateways do. */
  #onTestbed: boolean;
  /** Onboarding's choice for a profile being created, written by the first load (its first start). */
  #forNewProfile: StoredNetwork | null = null;
  readonly #now: () => number;

  constructor(private readonly o: NetworkSettingsOptions) {
    this.#standIns = (o.standInGateways ?? []).map((g) => gatewayUrl(parseGatewayUrl(g)));
    this.#onTestbed = this.#standIns.length > 0;
    this.#now = o.now ?? Date.now;
  }

  /** Reads the stored settings (at each unlock, before the services start). */
  async load(): Promise<StoredNetwork> {
    const first = this.#forNewProfile;
    if (first) {
      await this.o.port().set(KEY, first);
      this.#forNewProfile = null;
    }
    const raw = await this.o.port().get(KEY);
    // An older record gets defaults for missing fields; a damaged one falls back, never locks the person out.
    const parsed = networkStoredSchema.safeParse(raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...DEFAULT_NETWORK, ...raw } : DEFAULT_NETWORK);
    const stored = parsed.success ? parsed.data : DEFAULT_NETWORK;
    // Only canonical, valid URLs reach the transport, even from a record edited behind our back.
    const checked = checkGatewayList(stored.gateways);
    this.#stored = checked.ok ? { ...stored, gateways: checked.urls } : { ...stored, gateways: [], gatewaysFrom: null };
    return this.#stored;
  }

  get stored(): StoredNetwork { return this.#stored; }

  /** A testbed attached after construction (the hosts find or start it in the background); [] = its tor lines only. */
  useStandIns(gateways: readonly string[]): void {
    this.#standIns = gateways.map((g) => gatewayUrl(parseGatewayUrl(g)));
    this.#onTestbed = true;
  }

  /** This run is on the public network (a host's plan, src/main/host/profile-network.ts): no stand-ins. */
  leaveTestbed(): void {
    this.#standIns = [];
    this.#onTestbed = false;
  }

  /**
   * The settings a profile about to be created starts with (onboarding's network step), checked
   * now like an update (BAD_GATEWAY_URL before anything exists); null forgets them.
   */
  forNewProfile(patch: NetworkUpdate | null): void {
    if (patch) this.refuseUnavailable(patch);
    this.#forNewProfile = patch ? applyUpdate(this.sandbox ? DEFAULT_NETWORK : { ...DEFAULT_NETWORK, kind: 'tor' }, patch) : null;
  }

  /** Which networks a profile can choose on this host (onboarding asks before a profile exists). */
  get sandbox(): boolean { return this.o.sandbox ?? true; }

  private refuseUnavailable(patch: NetworkUpdate): void {
    if (patch.kind === 'sandbox' && !this.sandbox) throw NetworkError.NO_SANDBOX();
  }

  /** The list the registry uses now: the profile's, or the testbed's stand-ins while it is empty. */
  gateways(): readonly string[] {
    return this.#stored.gateways.length > 0 ? this.#stored.gateways : this.#standIns;
  }

  forInvitation(): string[] {
    return this.#stored.gateways.slice(0, MAX_INVITATION_GATEWAYS);
  }

  /** Every gateway is checked before anything is stored: one bad URL refuses the whole update. */
  async update(patch: NetworkUpdate): Promise<NetworkView> {
    this.refuseUnavailable(patch);
    await this.save(applyUpdate(await this.load(), patch));
    return this.view();
  }

  async adopt(urls: readonly string[], inviterName: string): Promise<boolean> {
    const current = await this.load();
    if (current.gateways.length > 0 || urls.length === 0) return false;
    const checked = checkGatewayList(urls);
    if (!checked.ok) return false;
    await this.save({ ...current, gateways: checked.urls, gatewaysFrom: inviterName });
    return true;
  }

  private async save(next: StoredNetwork): Promise<void> {
    const changed = next.gateways.join('\n') !== this.gateways().join('\n');
    await this.o.port().set(KEY, next);
    this.#stored = next;
    if (changed) for (const id of [...this.#sightings.keys()]) if (!this.gateways().includes(id)) this.#sightings.delete(id);
    // A listener's trouble must not turn a stored change into a failed one.
    for (const l of [...this.#listeners]) { try { l(); } catch { /* the listener's own concern */ } }
  }

  /** Called after every stored change (the live transport switches lists, the host tells windows). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * One request's outcome at one gateway, as the registry transport names it (`host[:port]`, see
   * src/main/registry/gateway-transport.ts). Names that are not in the list are ignored.
   */
  saw(gatewayName: string, ok: boolean, code?: string): void {
    let url: string;
    try { url = gatewayUrl(parseGatewayUrl(gatewayName)); } catch { return; }
    if (!this.gateways().includes(url)) return;
    const s = this.#sightings.get(url) ?? { lastSuccessAt: null, lastFailureAt: null, lastFailureCode: null };
    if (ok) s.lastSuccessAt = this.#now();
    else { s.lastFailureAt = this.#now(); s.lastFailureCode = code ?? 'FAILED'; }
    this.#sightings.set(url, s);
  }

  view(): NetworkView {
    return {
      kind: this.#stored.kind,
      tor: this.#stored.tor,
      gatewaysFrom: this.#stored.gatewaysFrom,
      network: this.#onTestbed ? 'testbed' : 'public',
      standIn: this.#stored.gateways.length === 0 && this.#standIns.length > 0,
      gateways: this.gateways().map((url) => {
        const s = this.#sightings.get(url);
        const state = !s ? 'unknown' : (s.lastSuccessAt ?? -1) >= (s.lastFailureAt ?? -1) ? 'reachable' : 'failing';
        return { url, state, lastSuccessAt: s?.lastSuccessAt ?? null, lastFailureAt: s?.lastFailureAt ?? null, lastFailureCode: s?.lastFailureCode ?? null };
      }),
    };
  }
}

/** `patch` over `current`; every gateway checked first (one bad URL refuses the whole patch). */
function applyUpdate(current: StoredNetwork, patch: NetworkUpdate): StoredNetwork {
  const next: StoredNetwork = { ...current };
  if (patch.kind) next.kind = patch.kind;
  if (patch.tor) next.tor = patch.tor;
  if (patch.gateways) {
    const checked = checkGatewayList(patch.gateways);
    if (!checked.ok) throw NetworkError.BAD_GATEWAY_URL(checked.index, checked.code, checked.reason);
    next.gateways = checked.urls;
    next.gatewaysFrom = null;
  }
  return next;
}
