// Free loopback TCP ports for the control plane components.
//
// The OS picks each port (listen on port 0), then the probe socket is closed and the port is
// handed to the component. Another process could take it in between; all ports are reserved
// at once (every probe stays open until the last is picked) so at least they never collide
// with each other, and a component that loses the race fails start-up with a clear log line.
//
// Run directly by Node (type stripping): erasable TypeScript only, no imports from src/.
import { createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => resolve(server));
  });
}

export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen());
    return servers.map((s) => {
      const addr = s.address();
      if (addr === null || typeof addr === 'string') throw new Error('unexpected socket address');
      return addr.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
  }
}
