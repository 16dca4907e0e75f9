// Free TCP ports on 127.0.0.1. Other engineers run tor and servers on this machine at the same
// time, so fixed ports collide: ask the kernel (listen on port 0) and hold every probe socket
// open until all ports are chosen, so one call never returns the same port twice.
import { createServer, type Server } from 'node:net';
import { noFreePort } from './errors.ts';

function listenOnZero(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnZero(host));
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw noFreePort(new Error('no address'));
      return address.port;
    });
  } catch (err) {
    throw noFreePort(err);
  } finally {
    await Promise.all(servers.map(close));
  }
}
