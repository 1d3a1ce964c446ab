// SIMULATOR — stands in for the HTTP API of a Dapr sidecar (daprd), as reached through a
// port-forward to the backend pod: POST /v1.0/publish/<pubsub>/<topic>.
//
// What it reproduces: the status codes and error bodies daprd returns for a publish — 204 on
// success, 404 ERR_PUBSUB_NOT_FOUND for an unknown pub/sub component, 500 ERR_PUBSUB_PUBLISH_
// MESSAGE when the broker refuses or cannot be reached (switched on with `brokerDown`) — and it
// records what was published so a test can hand it to the Kafka side.
// What it does NOT reproduce: CloudEvent wrapping, metadata query parameters, bulk publish,
// gRPC, app-id/token checks, or any real Kafka delivery.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SidecarApiSimulator {
  port: number;
  published: { pubsub: string; topic: string; body: unknown }[];
  brokerDown: boolean;
  stop(): Promise<void>;
}

export async function startSidecarApiSimulator(components: string[]): Promise<SidecarApiSimulator> {
  const sim: SidecarApiSimulator = {
    port: 0,
    published: [],
    brokerDown: false,
    stop: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/v1\.0\/publish\/([^/]+)\/([^/?]+)/.exec(req.url ?? '');
      const reply = (status: number, body?: object) => {
        res.writeHead(status, body ? { 'content-type': 'application/json' } : {});
        res.end(body ? JSON.stringify(body) : undefined);
      };
      if (req.method !== 'POST' || !m) return reply(404, { errorCode: 'ERR_NOT_FOUND' });
      const [pubsub, topic] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      if (!components.includes(pubsub)) {
        return reply(404, {
          errorCode: 'ERR_PUBSUB_NOT_FOUND',
          message: `pubsub ${pubsub} not found`,
        });
      }
      if (sim.brokerDown) {
        return reply(500, {
          errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE',
          message:
            `error when ` +
            `publish to topic ${topic} in pubsub ${pubsub}: kafka: client has run out of ` +
            'available brokers to talk to',
        });
      }
      sim.published.push({ pubsub, topic, body: JSON.parse(Buffer.concat(chunks).toString()) });
      return reply(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.port = (server.address() as AddressInfo).port;
  sim.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sim;
}
