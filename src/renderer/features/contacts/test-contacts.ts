import type { ContactInfo } from '../../ipc/contract.ts';

/** A contact as the core reports it, for unit tests of pure list logic. */
export function contact(nickname: string, over: Partial<ContactInfo> = {}): ContactInfo {
  return {
    id: `id-${nickname}`, nickname, contactCode: 'code', fingerprint: '1234', safetyNumber: '5678',
    phase: 'confirmed', verified: false, visible: true, receipts: true, typing: true,
    presence: { state: 'offline', text: '' }, unread: 0, createdAt: 0, ...over,
  };
}
