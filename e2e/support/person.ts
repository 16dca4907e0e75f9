// One person in an e2e journey: their own browser host (own core, own profile dir) and their own
// browser context, driven through the UI by role and accessible name as a person would
// (the names are the renderer's, docs/ARCHITECTURE.md "End-to-end tests").
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { newPersonContext, type PersonContext, type ShownNotification } from './chromium.ts';
import { WAIT, eventually } from './eventually.ts';
import { startHost, type HostProcess } from './host-process.ts';

export function escapeRegExp(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** `^<nick>, <rest>`: a contact option's accessible name (`Bob, online, lunch at 1, 2 unread`). */
export function contactName(nick: string, rest: string): RegExp {
  return new RegExp(`^${escapeRegExp(nick).source}, ${rest}`);
}

export class Person {
  host!: HostProcess;
  main!: Page;
  private ctx!: PersonContext;

  private constructor(
    readonly name: string,
    readonly passphrase: string,
    readonly profileDir: string,
    private readonly testbed: string | null,
    /** Environment entries for this person's host, at start and every restart after it is set. */
    public hostEnv: Record<string, string> | undefined,
    /** More host options, at start and every restart (e.g. `--network public`). */
    private readonly hostArgs: string[] | undefined,
  ) {}

  /** Starts this person's host and opens its main window (onboarding for a new profile). */
  static async start(browser: Browser, o: { name: string; passphrase: string; dir: string; testbed: string | null; hostArgs?: string[]; hostEnv?: Record<string, string> }): Promise<Person> {
    const p = new Person(o.name, o.passphrase, join(o.dir, o.name), o.testbed, o.hostEnv, o.hostArgs);
    p.host = await p.startOwnHost();
    p.ctx = await newPersonContext(browser, p.host.origin);
    p.main = await p.ctx.context.newPage();
    await p.main.goto(p.host.url);
    return p;
  }

  private startOwnHost(): Promise<HostProcess> {
    return startHost({ profileDir: this.profileDir, testbed: this.testbed, name: this.name, ...(this.hostArgs ? { args: this.hostArgs } : {}), ...(this.hostEnv ? { env: this.hostEnv } : {}) });
  }

  get notifications(): ShownNotification[] { return this.ctx.notifications; }

  get context(): PersonContext['context'] { return this.ctx.context; }

  /** Onboarding: name, passphrase twice, create, keep the network the host was started with. */
  async createProfile(): Promise<void> {
    await this.fillProfileForm();
    await this.continuePastNetworkChoice();
    await this.waitForMainWindow();
  }

  /** Onboarding's first step: name, passphrase twice, "Create profile" (the network step follows). */
  async fillProfileForm(): Promise<void> {
    const page = this.main;
    await page.getByRole('heading', { name: 'Create your profile' }).waitFor({ timeout: WAIT.startup });
    await page.getByRole('textbox', { name: 'Your name' }).fill(this.name);
    await page.getByRole('textbox', { name: 'Passphrase', exact: true }).fill(this.passphrase);
    await page.getByRole('textbox', { name: 'Repeat passphrase' }).fill(this.passphrase);
    await page.getByRole('button', { name: 'Create profile' }).click();
  }

  /** The network step: the host already runs on the testbed, so `Continue` keeps it. */
  async continuePastNetworkChoice(): Promise<void> {
    const proceed = this.main.getByRole('button', { name: 'Continue' });
    await proceed.waitFor({ timeout: WAIT.startup });
    await proceed.click();
  }

  /** The main window is up (Tor bootstrapped, profile running) once its actions show. */
  async waitForMainWindow(): Promise<void> {
    await this.main.getByRole('toolbar', { name: 'Actions' }).waitFor({ timeout: WAIT.startup });
  }

  async unlock(passphrase = this.passphrase): Promise<void> {
    await this.main.getByRole('heading', { name: 'Unlock Sotto' }).waitFor({ timeout: WAIT.startup });
    await this.main.getByRole('textbox', { name: 'Passphrase' }).fill(passphrase);
    await this.main.getByRole('button', { name: 'Unlock' }).click();
  }

  /** The option for a contact whose accessible name matches `^<nick>, <rest>`. */
  contact(nick: string, rest = ''): Locator {
    return this.main.getByRole('listbox', { name: 'Contacts' }).getByRole('option', { name: contactName(nick, rest) });
  }

  /** Waits until the contact list shows `nick` with a name matching `rest` (e.g. `online`). */
  async sees(nick: string, rest: string, timeoutMs: number = WAIT.network): Promise<void> {
    await this.contact(nick, rest).waitFor({ timeout: timeoutMs }).catch(async (err: unknown) => {
      const names = await this.contactNames();
      throw new Error(`${this.name} never saw "${nick}, ${rest}" (list now: ${JSON.stringify(names)}): ${String(err)}`);
    });
  }

  async contactNames(): Promise<string[]> {
    const options = this.main.getByRole('listbox', { name: 'Contacts' }).getByRole('option');
    return options.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
  }

  /** Double-clicks the contact; resolves with the session window the renderer opens. */
  async openSession(nick: string): Promise<Page> {
    const opened = this.context.waitForEvent('page', { timeout: WAIT.ui });
    await this.contact(nick).dblclick();
    const session = await opened;
    await session.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: WAIT.ui });
    return session;
  }

  async openToolbarDialog(button: 'Invite someone' | 'Accept an invitation' | 'Who can see me' | 'Settings'): Promise<Locator> {
    await this.main.getByRole('toolbar', { name: 'Actions' }).getByRole('button', { name: button }).click();
    const dialog = this.main.getByRole('dialog', { name: button });
    await dialog.waitFor({ timeout: WAIT.ui });
    return dialog;
  }

  /** Waits for a notification whose title or body contains `text`. */
  async notified(text: string): Promise<ShownNotification> {
    return eventually(`${this.name} notified of "${text}"`, () => {
      const hit = this.notifications.find((n) => n.title.includes(text) || n.body.includes(text));
      if (!hit) throw new Error(`notifications so far: ${JSON.stringify(this.notifications)}`);
      return hit;
    });
  }

  /** Stops the host (SIGTERM, waits for exit) and starts a new one on the same profile. */
  async restartHost(): Promise<void> {
    for (const page of this.context.pages()) if (page !== this.main) await page.close();
    const code = await this.host.stop();
    if (code !== 0) throw new Error(`host ${this.name} exited with ${code} on SIGTERM\n${this.host.stderr()}`);
    this.host = await this.startOwnHost();
    // A new host has a new port (a new origin): permissions follow it.
    await this.context.grantPermissions(['notifications'], { origin: this.host.origin });
    await this.main.goto(this.host.url);
  }

  async stop(): Promise<void> {
    await this.ctx?.context.close().catch(() => undefined);
    await this.host?.stop();
  }
}
