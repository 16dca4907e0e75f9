// Public surface of src/main for hosts (electron.main.ts, the browser host): the core and its
// wiring. Hosts build `new SottoCore({ profileDir, services: realServices({...}) })` and expose its
// methods and events one-to-one (docs/ARCHITECTURE.md "Core API").
export * from './core/index.ts';
export {
  invitationEmailDraft, invitationLinkFromImage, findInvitationLink, InviteError, type InvitationEmailDraft, type SmtpSettings,
} from './invite/index.ts';
