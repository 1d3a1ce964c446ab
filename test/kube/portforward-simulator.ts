// SIMULATOR — stands in, for unit tests, for the two real components between a port-forward
// client and a pod: the API server's pods/<name>/portforward upgrade and the kubelet's
// websocket port-forward (the "v4.channel.k8s.io" framing kubelet and kwok serve through the
// upstream streaming library). A plain-HTTP server: GET of a pod answers from a table, the
// upgrade is accepted or refused per pod, and an accepted one is carried to a local TCP port.
//
// What it reproduces: subprotocol negotiation (v4.channel.k8s.io picked from the client's
// offer), one data channel (0) and one error channel (1) per connection, each starting with
// the forwarded port as 2 bytes little-endian, every message prefixed by its channel byte;
// the kubelet's habit of writing a failed dial to the error channel and then closing; a refused
// upgrade answered with a metav1.Status body.
//
// What it does NOT reproduce: authentication or authorisation (any token passes), SPDY, several
// ports per connection, the base64 protocol, idle timeouts, the API server's proxying itself.
// The real path (API server -> kwok's kubelet server) is tested in portforward.cluster.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { status, writeKubeconfig } from './fake-apiserver.js';

export type PodBehaviour =
  /** Running; the port-forward reaches 127.0.0.1:<port>. */
  | { phase?: 'Running'; forwardTo: number }
  /** Running; the kubelet cannot dial the port (nothing listens there). */
  | { phase?: 'Running'; dialFails: string }
  /** The API server refuses the upgrade with this status and message. */
  | { phase?: 'Running'; refuse: { code: number; reason: string; message: string } }
  /** The upgrade is never answered. */
  | { phase?: 'Running'; hang: true }
  /** The connection is cut as soon as the upgrade request arrives. */
  | { phase?: 'Running'; drop: true }
  | { phase: 'Pending' };

export interface Upgrade {
  url: string;
  protocols: string;
  authorization: string | undefined;
}

export interface PortForwardSimulator {
  kubeconfigPath: string;
  upgrades: Upgrade[];
  /** Websocket connections open right now (the simulator's side). */
  openConnections(): number;
  close(): Promise<void>;
}

const PROTOCOL = 'v4.channel.k8s.io';

function frame(channel: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), payload]);
}

function portHeader(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port, 0);
  return b;
}

export async function startPortForwardSimulator(
  pods: Record<string, PodBehaviour>,
): Promise<PortForwardSimulator> {
  const upgrades: Upgrade[] = [];
  const sockets = new Set<WebSocket>();
  const held = new Set<Duplex>();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false),
  });
  const route = (url: string) =>
    /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/?]+)(\/portforward)?/.exec(url);

  const server: Server = createServer((req, res) => {
    const m = route(req.url ?? '');
    const pod = m && !m[3] ? pods[`${m[1]}/${m[2]}`] : undefined;
    res.setHeader('content-type', 'application/json');
    if (!m || !pod) {
      res.writeHead(404).end(JSON.stringify(status(404, 'NotFound', `pods "${m?.[2]}" not found`)));
      return;
    }
    res.end(
      JSON.stringify({
        kind: 'Pod',
        metadata: { name: m[2] },
        status: { phase: pod.phase ?? 'Running' },
      }),
    );
  });

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = req.url ?? '';
    upgrades.push({
      url,
      protocols: String(req.headers['sec-websocket-protocol'] ?? ''),
      authorization: req.headers.authorization,
    });
    const m = route(url);
    const pod = m?.[3] ? pods[`${m[1]}/${m[2]}`] : undefined;
    if (pod && 'drop' in pod) {
      socket.destroy();
      return;
    }
    if (pod && 'hang' in pod) {
      held.add(socket); // never answered; close() cuts it
      return;
    }
    if (!pod || 'refuse' in pod || !('forwardTo' in pod || 'dialFails' in pod)) {
      const r =
        pod && 'refuse' in pod
          ? pod.refuse
          : { code: 404, reason: 'NotFound', message: 'not found' };
      const body = JSON.stringify(status(r.code, r.reason, r.message));
      socket.end(
        `HTTP/1.1 ${r.code} Refused\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const port = Number(new URL(url, 'http://x').searchParams.get('ports'));
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.send(frame(0, portHeader(port)));
      ws.send(frame(1, portHeader(port)));
      if ('dialFails' in pod) {
        ws.send(frame(1, Buffer.from(pod.dialFails)));
        ws.close();
        return;
      }
      const upstream = connect(pod.forwardTo, '127.0.0.1');
      upstream.on('data', (chunk: Buffer) => ws.send(frame(0, chunk)));
      upstream.on('error', (e) => {
        ws.send(frame(1, Buffer.from(`error forwarding port ${port}: ${e.message}`)));
        ws.close();
      });
      upstream.on('end', () => ws.close());
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) upstream.write(data.subarray(1));
      });
      ws.on('close', () => upstream.destroy());
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'kube-pf-')), 'kubeconfig');
  writeKubeconfig(kubeconfigPath, url);
  return {
    kubeconfigPath,
    upgrades,
    openConnections: () => sockets.size,
    close: () =>
      new Promise((resolve) => {
        for (const ws of sockets) ws.terminate();
        for (const s of held) s.destroy();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
