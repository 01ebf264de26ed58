/** The HTTP server's start (resolves once it listens, rejects on a bind error) and its close. */
import { serve, type ServerType } from '@hono/node-server';

export function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

export function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // idle keep-alive sockets would hold close() open
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
