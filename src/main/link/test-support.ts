// Helpers for link tests: real TCP sockets on 127.0.0.1 (port 0), real identity keys.
import net from 'node:net';
import { once } from 'node:events';
import { identityFromSeed, ready, type Identity } from '../../protocol/index.ts';
import { ContactLink, type ContactLinkOptions, type LinkCloseInfo } from './contact-link.ts';

export async function identity(byte: number): Promise<Identity> {
  await ready();
  return identityFromSeed(new Uint8Array(32).fill(byte));
}

/** A connected TCP socket pair over loopback: `dialer` connected out, `listener` accepted. */
export async function tcpPair(): Promise<{ dialer: net.Socket; listener: net.Socket }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const dialer = net.connect(port, '127.0.0.1');
  await once(dialer, 'connect');
  const [listener] = await accepted;
  server.close();
  return { dialer, listener };
}

type Side = Omit<ContactLinkOptions, 'socket' | 'initiator'>;

/** Two links over one TCP pair; `a` dials `b`. */
export async function linkPair(a: Side, b: Side): Promise<{ a: ContactLink; b: ContactLink }> {
  const { dialer, listener } = await tcpPair();
  return {
    a: new ContactLink({ ...a, socket: dialer, initiator: true }),
    b: new ContactLink({ ...b, socket: listener, initiator: false }),
  };
}

export function opened(link: ContactLink): Promise<unknown> {
  return new Promise((resolve, reject) => {
    link.once('open', resolve);
    link.once('close', (info) => reject(info.error));
  });
}

export function closedWith(link: ContactLink): Promise<LinkCloseInfo> {
  if (link.closeInfo !== null) return Promise.resolve(link.closeInfo);
  return once(link, 'close').then(([info]) => info as LinkCloseInfo);
}
