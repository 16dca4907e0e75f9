// Three people on the testbed, each with their own browser host (own core, own Tor) and their own
// browser context, doing what issue 8 lists: pairing by QR code, chatting with receipts, presence
// and per-contact invisibility, an invitation by e-mail, a restart, bad input through the UI, a
// keyboard-only journey, and axe + screenshots of every screen on the way
// (docs/ARCHITECTURE.md "End-to-end tests").
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './support/chromium.ts';
import { WAIT, eventually } from './support/eventually.ts';
import { journey } from './support/journey.ts';
import { activate, tabTo, typeInto } from './support/keyboard.ts';
import { mailText, startMailbox, type Mailbox } from './support/mailbox.ts';
import { Person } from './support/person.ts';
import { decodeQrPng } from './support/qr.ts';
import { checkScreen, type AxeFinding } from './support/screens.ts';
import { testbedPath } from './support/testbed.ts';
import { wallClock } from './support/wall-time.ts';

const step = journey();
let browser: Browser;
let dir: string;
let mailbox: Mailbox;
let A: Person;
let B: Person;
let C: Person;
/** B's session window with A, kept open across steps. */
let aWithB: Page;
const axe: { screen: string; findings: AxeFinding[] }[] = [];

async function screen(page: Page, name: string): Promise<void> {
  axe.push({ screen: name, findings: await checkScreen(page, name) });
}

/** dd following the dt with this exact text, inside `scope`. */
function definition(scope: Locator, term: string): Locator {
  return scope.locator(`dt:text-is("${term}") + dd`);
}

function message(session: Page, body: string): Locator {
  return session.getByRole('log', { name: 'Messages' }).getByRole('article').filter({ hasText: body });
}

const recordWallTime = wallClock(import.meta.url);

before(async () => {
  const testbed = testbedPath();
  dir = mkdtempSync(join(tmpdir(), 'sotto-e2e-'));
  browser = await launchChromium();
  mailbox = await startMailbox({ user: 'ana', password: 'mail-secret' });
  // All three hosts start together: their Tor bootstraps overlap instead of adding up.
  const start = (name: string): Promise<Person> => Person.start(browser, {
    name, passphrase: `${name.toLowerCase()} walks the quiet harbour at dawn`, dir, testbed,
  });
  [A, B, C] = await Promise.all([start('Ana'), start('Ben'), start('Chen')]);
});

after(async () => {
  await Promise.all([A, B, C].map((p) => p?.stop()));
  await browser?.close();
  await mailbox?.close();
  rmSync(dir, { recursive: true, force: true });
  recordWallTime();
});

step('(a) A and B create profiles; B scans A\'s QR code; A confirms B after comparing fingerprints', async () => {
  await A.main.getByRole('heading', { name: 'Create your profile' }).waitFor({ timeout: WAIT.startup });
  await screen(A.main, 'onboarding-create');
  await Promise.all([A.createProfile(), B.createProfile(), createProfileByKeyboard(C)]);
  await screen(A.main, 'main-empty');

  const invite = await A.openToolbarDialog('Invite someone');
  const linkBox = invite.getByRole('textbox', { name: 'Invitation link' });
  const link = await eventually('A\'s invitation link', async () => {
    const v = await linkBox.inputValue();
    assert.match(v, /^sotto:\/\/invite\/v2#/);
    return v;
  }, WAIT.ui);
  await screen(A.main, 'invite-dialog');
  // Scan the code as a camera would: the pixels on screen, not the DOM.
  const png = await invite.getByRole('img', { name: 'Invitation QR code' }).screenshot();
  assert.equal(decodeQrPng(png), link, 'the QR code A shows encodes the link A shows');
  const photo = join(dir, 'qr-of-ana.png');
  writeFileSync(photo, png);

  // B turns read receipts on for new contacts before accepting (per contact, off by default).
  const settingsB = await B.openToolbarDialog('Settings');
  await setChecked(settingsB.getByRole('checkbox', { name: 'Send read receipts by default' }), true);
  const ownOfB = (await definition(settingsB, 'Your fingerprint').innerText()).trim();
  await settingsB.getByRole('button', { name: 'Close' }).click();

  // Loading the image accepts at once, as a scanned code would.
  const accept = await B.openToolbarDialog('Accept an invitation');
  await screen(B.main, 'accept-dialog');
  await accept.getByLabel('QR code image', { exact: true }).setInputFiles(photo);
  await accepted(accept, 'Invitation accepted. Waiting for Ana to confirm.');
  await accept.getByRole('button', { name: 'Close' }).click();
  await invite.getByRole('button', { name: 'Close' }).click();

  const pending = A.main.getByRole('region', { name: 'Pending invitations' });
  await pending.getByText('Ben wants to connect').waitFor({ timeout: WAIT.network });
  await pending.getByRole('button', { name: /^Review/ }).click();
  const confirm = A.main.getByRole('dialog', { name: 'Ben wants to connect' });
  await confirm.waitFor({ timeout: WAIT.ui });
  await screen(A.main, 'confirm-dialog');
  // B read their own fingerprint out of Settings; A compares it with what the dialog shows.
  const shownToA = (await definition(confirm, 'Fingerprint').innerText()).trim();
  assert.ok(shownToA.length >= 20, `a fingerprint is shown (${shownToA})`);
  assert.equal(shownToA, ownOfB, 'the fingerprint A is asked to compare is B\'s own');
  await confirm.getByRole('button', { name: 'Confirm' }).click();

  await Promise.all([A.sees('Ben', 'online', WAIT.pairing), B.sees('Ana', 'online', WAIT.pairing)]);
});

step('(b) A writes in a session window; B gets a badge and a notification, replies; receipts go delivered then read', async () => {
  aWithB = await A.openSession('Ben');
  await aWithB.getByRole('textbox', { name: 'Message' }).fill('are you around?');
  await aWithB.keyboard.press('Enter');
  const sent = message(aWithB, 'are you around?');
  await sent.filter({ hasText: 'delivered' }).waitFor({ timeout: WAIT.network });

  await B.sees('Ana', 'online.*, 1 unread');
  const note = await B.notified('are you around?');
  assert.match(note.title + note.body, /Ana/, 'the notification says who wrote');

  const reply = await B.openSession('Ana');
  await message(reply, 'are you around?').waitFor({ timeout: WAIT.ui });
  await sent.filter({ hasText: 'read' }).waitFor({ timeout: WAIT.network });
  await B.contact('Ana', 'online').filter({ hasNotText: 'unread' }).waitFor({ timeout: WAIT.ui });
  await screen(reply, 'session-window');

  await reply.getByRole('textbox', { name: 'Message' }).fill('yes, what\'s up?');
  await reply.getByRole('button', { name: 'Send' }).click();
  await message(aWithB, 'yes, what\'s up?').waitFor({ timeout: WAIT.network });

  // Contact details, opened from the session window as a person would, checked like every screen.
  await aWithB.getByRole('button', { name: 'Contact details' }).click();
  const details = aWithB.getByRole('dialog', { name: 'Ben' });
  await definition(details, 'Safety number').waitFor({ timeout: WAIT.ui });
  await screen(aWithB, 'contact-details');
  await aWithB.keyboard.press('Escape');
  await details.waitFor({ state: 'hidden', timeout: WAIT.ui });

  // A link in a message asks before it opens, showing the whole address.
  const url = 'https://example.org/lunch?day=tue';
  await reply.getByRole('textbox', { name: 'Message' }).fill(`the menu: ${url}`);
  await reply.getByRole('button', { name: 'Send' }).click();
  await message(aWithB, 'the menu:').getByRole('link', { name: url }).click({ timeout: WAIT.network });
  const confirm = aWithB.getByRole('dialog', { name: 'Open this link?' });
  await confirm.getByText(url, { exact: true }).waitFor({ timeout: WAIT.ui });
  await screen(aWithB, 'link-confirm');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'hidden', timeout: WAIT.ui });
  await reply.close();
});

step('(c) away and do not disturb reach A; invisible to A hides B from A only; visible again shows B', async () => {
  // C becomes B's contact by a pasted link (the other accept path).
  const invite = await B.openToolbarDialog('Invite someone');
  const link = await invite.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  const accept = await C.openToolbarDialog('Accept an invitation');
  await accept.getByRole('textbox', { name: 'Invitation link or e-mail text' }).fill(link);
  await accept.getByRole('button', { name: 'Accept' }).click();
  await accepted(accept, /Waiting for Ben to confirm/);
  await accept.getByRole('button', { name: 'Close' }).click();
  await invite.getByRole('button', { name: 'Close' }).click();
  await B.main.getByRole('region', { name: 'Pending invitations' }).getByRole('button', { name: /^Review/ }).click();
  await B.main.getByRole('dialog', { name: 'Chen wants to connect' }).getByRole('button', { name: 'Confirm' }).click();
  await Promise.all([B.sees('Chen', 'online', WAIT.pairing), C.sees('Ben', 'online', WAIT.pairing)]);

  await B.main.getByRole('combobox', { name: 'Your status' }).selectOption({ label: 'Away' });
  const text = B.main.getByRole('textbox', { name: 'Status message' });
  await text.fill('lunch at 1');
  await text.press('Enter');
  await A.sees('Ben', 'away, lunch at 1');

  await B.main.getByRole('combobox', { name: 'Your status' }).selectOption({ label: 'Do not disturb' });
  await A.sees('Ben', 'do not disturb');
  await B.main.getByRole('combobox', { name: 'Your status' }).selectOption({ label: 'Online' });
  await Promise.all([A.sees('Ben', 'online'), C.sees('Ben', 'online')]);

  const who = await B.openToolbarDialog('Who can see me');
  await screen(B.main, 'who-can-see-me');
  await setChecked(who.getByRole('checkbox', { name: 'Ana can see me' }), false);
  await A.sees('Ben', 'offline');
  // C still sees B, and keeps seeing B for as long as A sees B offline.
  await C.sees('Ben', 'online', WAIT.ui);
  await setChecked(who.getByRole('checkbox', { name: 'Ana can see me' }), true);
  await B.main.keyboard.press('Escape');
  await A.sees('Ben', 'online');
  await C.sees('Ben', 'online', WAIT.ui);
});

step('(d) A sends an invitation by e-mail through a local SMTP server; C opens the mailed link', async () => {
  const settings = await A.openToolbarDialog('Settings');
  await settings.getByRole('textbox', { name: 'SMTP server' }).fill('127.0.0.1');
  await settings.getByRole('spinbutton', { name: 'SMTP port' }).fill(String(mailbox.port));
  await settings.getByRole('textbox', { name: 'SMTP user' }).fill('ana');
  await settings.getByRole('textbox', { name: 'SMTP password' }).fill('mail-secret');
  await settings.getByRole('textbox', { name: 'Sender address' }).fill('ana@example.test');
  // Plain SMTP is allowed only for a loopback server and only when the user says so.
  await settings.getByRole('checkbox', { name: 'Require TLS' }).uncheck();
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await settings.getByText('Saved.').waitFor({ timeout: WAIT.ui });
  await screen(A.main, 'settings');
  await A.main.keyboard.press('Escape');

  const invite = await A.openToolbarDialog('Invite someone');
  await invite.getByRole('textbox', { name: 'Their e-mail address' }).fill('chen@example.test');
  await invite.getByRole('button', { name: 'Send by e-mail' }).click();
  await invite.getByText('Invitation sent to chen@example.test.').waitFor({ timeout: WAIT.network });
  await invite.getByRole('button', { name: 'Close' }).click();

  const mail = await eventually('the invitation mail reaches the SMTP server', () => {
    const m = mailbox.mails.find((x) => x.to.includes('chen@example.test'));
    if (!m) throw new Error(`${mailbox.mails.length} mails so far`);
    return m;
  }, WAIT.ui);
  assert.equal(mail.from, 'ana@example.test');
  // The whole mail text goes into the accept box, as a person would paste it: the app finds the link.
  const text = mailText(mail.raw);
  assert.match(text, /sotto:\/\/invite\/v2#/, 'the mail carries the link');
  const accept = await C.openToolbarDialog('Accept an invitation');
  await accept.getByRole('textbox', { name: 'Invitation link or e-mail text' }).fill(text);
  await accept.getByRole('button', { name: 'Accept' }).click();
  await accepted(accept, /Waiting for Ana to confirm/);
  await accept.getByRole('button', { name: 'Close' }).click();
  await A.main.getByRole('region', { name: 'Pending invitations' }).getByRole('button', { name: /^Review/ }).click();
  await A.main.getByRole('dialog', { name: 'Chen wants to connect' }).getByRole('button', { name: 'Confirm' }).click();
  await Promise.all([A.sees('Chen', 'online', WAIT.pairing), C.sees('Ana', 'online', WAIT.pairing)]);
});

step('(g) C opens a session and sends with the keyboard only', async () => {
  const list = C.main.getByRole('listbox', { name: 'Contacts' });
  await tabTo(C.main, list);
  const opened = C.context.waitForEvent('page', { timeout: WAIT.ui });
  // Ana is the first option (alphabetical within online); arrows move, Enter opens.
  await C.main.keyboard.press('Home');
  await C.main.keyboard.press('Enter');
  const session = await opened;
  const box = session.getByRole('textbox', { name: 'Message' });
  await box.waitFor({ timeout: WAIT.ui });
  await typeInto(session, box, 'typed without a mouse');
  await session.keyboard.press('Enter');
  await message(session, 'typed without a mouse').waitFor({ timeout: WAIT.ui });
  const aWithC = await A.openSession('Chen');
  await message(aWithC, 'typed without a mouse').waitFor({ timeout: WAIT.network });
  await Promise.all([session.close(), aWithC.close()]);
});

step('(f) bad input through the UI: a garbage link, an oversized message; each a clear error, nothing lost', async () => {
  const accept = await C.openToolbarDialog('Accept an invitation');
  const box = accept.getByRole('textbox', { name: 'Invitation link or e-mail text' });
  await box.fill('sotto://invite/v1#not-an-invitation');
  await accept.getByRole('button', { name: 'Accept' }).click();
  const alert = accept.getByRole('alert');
  await alert.waitFor({ timeout: WAIT.ui });
  assert.match(await alert.innerText(), /\([A-Z_]+\)/, 'the error carries its code');
  assert.equal(await box.inputValue(), 'sotto://invite/v1#not-an-invitation', 'the pasted text stays');
  await C.main.keyboard.press('Escape');

  const long = 'x'.repeat(16_385);
  const composer = aWithB.getByRole('textbox', { name: 'Message' });
  await composer.fill(long);
  await aWithB.getByRole('button', { name: 'Send' }).click();
  const tooLong = aWithB.getByRole('alert');
  await tooLong.waitFor({ timeout: WAIT.ui });
  assert.match(await tooLong.innerText(), /\(MESSAGE_TOO_LONG\)/);
  assert.equal((await composer.inputValue()).length, long.length, 'the oversized draft is kept');
  await composer.fill('');
});

step('(e) B\'s host restarts: a wrong passphrase is refused, the right one brings back contacts and history', async () => {
  await B.restartHost();
  await B.main.getByRole('heading', { name: 'Unlock Sotto' }).waitFor({ timeout: WAIT.startup });
  await screen(B.main, 'unlock');
  await B.unlock('not my passphrase');
  const alert = B.main.getByRole('alert');
  await alert.waitFor({ timeout: WAIT.ui });
  assert.match(await alert.innerText(), /didn't unlock this profile/);
  await B.unlock();
  await B.waitForMainWindow();
  await Promise.all([B.sees('Ana', 'online'), B.sees('Chen', 'online'), A.sees('Ben', 'online')]);
  const session = await B.openSession('Ana');
  await message(session, 'are you around?').waitFor({ timeout: WAIT.ui });
  await message(session, 'yes, what\'s up?').waitFor({ timeout: WAIT.ui });
  await session.close();
});

step('(h) group chat: A starts one with B and C, each joins from the main window, all three write and see one order; C leaves', async () => {
  // All three are contacts of each other here, so every member reaches every other over contact
  // links; members who are not contacts need session endpoints (docs/THREAT-MODEL.md, multi-party).
  const groups = (p: Person): Locator => p.main.getByRole('region', { name: 'Group chats' });
  await groups(A).getByRole('button', { name: 'New group chat' }).click();
  const create = A.main.getByRole('dialog', { name: 'New group chat' });
  await create.getByRole('textbox', { name: 'Group name' }).fill('Weekend plans');
  await create.getByRole('checkbox', { name: /^Ben\b/ }).check();
  await create.getByRole('checkbox', { name: /^Chen\b/ }).check();
  await create.getByText(/its members can see that you are online/).waitFor({ timeout: WAIT.ui });
  await screen(A.main, 'group-new');
  const openedA = A.context.waitForEvent('page', { timeout: WAIT.ui });
  await create.getByRole('button', { name: 'Start group chat' }).click();
  const groupA = await openedA;
  await groupA.getByRole('heading', { name: 'Weekend plans' }).waitFor({ timeout: WAIT.ui });

  // Invitations go one at a time: Ben is asked first, Chen once Ben has answered.
  const joinFrom = async (p: Person, presentTo: RegExp): Promise<Page> => {
    const invitation = groups(p).getByRole('listitem', { name: 'Ana invites you to Weekend plans' });
    await invitation.waitFor({ timeout: WAIT.network });
    await invitation.getByText(presentTo).waitFor({ timeout: WAIT.ui });
    if (p === B) await screen(p.main, 'group-invitation');
    await invitation.getByRole('button', { name: 'Join' }).click();
    const chat = groups(p).getByRole('list', { name: 'Your group chats' }).getByRole('button', { name: /^Weekend plans/ });
    await chat.waitFor({ timeout: WAIT.network });
    const opened = p.context.waitForEvent('page', { timeout: WAIT.ui });
    await chat.click();
    const win = await opened;
    await win.getByRole('heading', { name: 'Weekend plans' }).waitFor({ timeout: WAIT.ui });
    return win;
  };
  const groupB = await joinFrom(B, /You would be present to: Ana\./);
  const groupC = await joinFrom(C, /You would be present to: Ana and Ben\./);
  const members = (win: Page): Locator => win.getByRole('list', { name: 'Members' }).getByRole('listitem');
  await eventually('A sees three members, A marked coordinator', async () => {
    assert.deepEqual(await members(groupA).allInnerTexts(), ['You (coordinator)', 'Ben', 'Chen']);
  }, WAIT.network);

  const write = async (win: Page, body: string): Promise<void> => {
    await win.getByRole('textbox', { name: 'Message' }).fill(body);
    await win.keyboard.press('Enter');
  };
  await Promise.all([write(groupA, 'who is in for Saturday?'), write(groupB, 'me!'), write(groupC, 'count me in')]);
  const bodies = (win: Page): Promise<string[]> => win.getByRole('log', { name: 'Messages' }).getByRole('article').locator('.message-body').allInnerTexts();
  const order = await eventually('every window shows the three messages in one order', async () => {
    const seen = await Promise.all([groupA, groupB, groupC].map(bodies));
    for (const s of seen) assert.deepEqual([...s].sort(), ['count me in', 'me!', 'who is in for Saturday?']);
    assert.deepEqual(seen[1], seen[0]);
    assert.deepEqual(seen[2], seen[0]);
    return seen[0]!;
  }, WAIT.network);
  assert.equal(order.length, 3, 'each message once');
  await screen(groupA, 'group-window');

  await groupC.getByRole('button', { name: 'Leave' }).click();
  await groupC.getByRole('dialog', { name: 'Leave “Weekend plans”?' }).getByRole('button', { name: 'Leave' }).click();
  await groupC.getByText('You left “Weekend plans”.').waitFor({ timeout: WAIT.ui });
  await eventually('A and B see Chen gone', async () => {
    assert.deepEqual(await members(groupA).allInnerTexts(), ['You (coordinator)', 'Ben']);
    assert.deepEqual(await members(groupB).allInnerTexts(), ['Ana (coordinator)', 'You']);
  }, WAIT.network);
  await Promise.all([groupA.close(), groupB.close(), groupC.close()]);
});

step('(g) axe: no serious or critical violations on any screen visited (screenshots in e2e/artifacts/)', async () => {
  await screen(A.main, 'main-contacts');
  const failing = axe.filter((s) => s.findings.length > 0);
  assert.deepEqual(failing, [], 'serious/critical axe violations');
});

async function createProfileByKeyboard(p: Person): Promise<void> {
  const page = p.main;
  await page.getByRole('heading', { name: 'Create your profile' }).waitFor({ timeout: WAIT.startup });
  await typeInto(page, page.getByRole('textbox', { name: 'Your name' }), p.name);
  await typeInto(page, page.getByRole('textbox', { name: 'Passphrase', exact: true }), p.passphrase);
  await typeInto(page, page.getByRole('textbox', { name: 'Repeat passphrase' }), p.passphrase);
  await activate(page, page.getByRole('button', { name: 'Create profile' }));
  const proceed = page.getByRole('button', { name: 'Continue' });
  await proceed.waitFor({ timeout: WAIT.startup });
  await activate(page, proceed);
  await p.waitForMainWindow();
}

/** Waits for the accept dialog's success words; on a timeout the failure quotes any alert shown. */
async function accepted(dialog: Locator, words: string | RegExp): Promise<void> {
  await dialog.getByText(words).waitFor({ timeout: WAIT.network }).catch(async (err: unknown) => {
    const alert = dialog.getByRole('alert');
    const shown = (await alert.count()) > 0 ? await alert.first().innerText() : '(no alert)';
    throw new Error(`accept never said ${String(words)}; the dialog shows: ${shown}; ${String(err)}`);
  });
}

/** Clicks a checkbox whose state follows the host's answer, and waits until it shows `want`. */
async function setChecked(box: Locator, want: boolean): Promise<void> {
  if ((await box.isChecked()) !== want) await box.click();
  await eventually(`${String(box)} ${want ? 'checked' : 'unchecked'}`, async () => {
    assert.equal(await box.isChecked(), want);
  }, WAIT.ui);
}
