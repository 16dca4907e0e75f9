// Public surface of src/main/invite: how an invitation link is shown (QR PNG/SVG, e-mail draft,
// SMTP) and how one is taken back in (pasted text, deep link, QR image). The invitation bytes
// themselves are made and checked by src/protocol.
export { InviteError, type InviteErrorCode } from './errors.ts';
export { INVITATION_LINK_PREFIX, MAX_LINK_LENGTH, findInvitationLink, invitationLinkCandidates, isInvitationLink } from './link.ts';
export {
  MAX_IMAGE_PIXELS,
  decodePng,
  invitationLinkFromImage,
  readQrText,
  renderInvitationQrPng,
  renderInvitationQrSvg,
  type QrRenderOptions,
  type RgbaImage,
} from './qr.ts';
export {
  checkEmailAddress,
  invitationEmailDraft,
  sendInvitationEmail,
  smtpRequiresTls,
  isLoopbackHost,
  type InvitationEmailDraft,
  type InvitationEmailInput,
  type SendInvitationEmailInput,
  type SentInvitationEmail,
  type SmtpSettings,
} from './email.ts';
