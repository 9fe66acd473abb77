// Binds the HTTP app to [server] listen and stops gracefully: on SIGTERM/SIGINT it stops
// accepting, lets requests in flight finish (up to a deadline), then closes the database.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from './http/app.js';
import type { Services } from './services.js';

export interface RunningServer {
  server: Server;
  url: string;
  stop(): Promise<void>;
}

export function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

export async function startHttp(services: Services, listen = services.config.server.listen): Promise<RunningServer> {
  const { config } = services;
  const app = createRequestListener({
    ...services,
    ready: () => services.database.ping(),
    options: {
      maxRequestBytes: config.server.max_request_bytes,
      trustedProxies: config.server.trusted_proxies,
      demoPage: config.server.demo_page,
      ...(config.stacosys.site ? { stacosysSite: config.stacosys.site } : {}),
      feeds: { enabled: config.feeds.enabled, maxItems: config.feeds.max_items },
      ...(config.server.public_url ? { publicUrl: config.server.public_url } : {}),
    },
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000; // longer than common proxies' idle timeout
  // Responses in flight when we stop are told to close their connection, so that a keep-alive
  // client cannot hold the process open after its request is answered.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  const { host, port } = parseListen(listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
        // Connections that become idle after their last response are closed as they do.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => server.closeAllConnections(), 10_000);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
