// A TCP pass-through in front of the API server, so a test can cut every open connection —
// what a flaky network or a load balancer's idle reset does to a long-running watch. TLS is
// end to end (the proxy only copies bytes), so the client still talks to the real API server.
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** https://127.0.0.1:<port> — use in place of the API server URL. */
  url: string;
  /** Destroys every open connection (both directions); new connections still work. */
  cutAll(): number;
  /** Cuts every connection and resets new ones until restore(): the server is "down". */
  blackout(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    cutAll: () => {
      const n = open.size;
      for (const s of open) s.destroy();
      return n;
    },
    blackout: () => {
      down = true;
      for (const s of open) s.destroy();
    },
    restore: () => {
      down = false;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
