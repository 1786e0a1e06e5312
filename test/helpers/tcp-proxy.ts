import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy in front of a real server (PostgreSQL, Redis), that a test cuts and restores to
 * simulate an outage without stopping the shared server. `cut()` drops every open connection; until
 * `restore()`, new connections are either held, accepted and never answered, as across a network
 * partition (the harder case for a client: it fails only after its own timeout), or dropped at once,
 * as when the server is down (`whenCut: 'drop'`). `restore()` drops held ones, so that clients
 * reconnect at once.
 */
export interface TcpProxy {
  /** The target URL with the proxy's host and port in place of the target's: `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly isCut: boolean;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** What happens to a connection made while the proxy is cut: held unanswered (default) or dropped. */
  whenCut?: 'hold' | 'drop';
}

/** `targetUrl`'s port defaults to its scheme's (PostgreSQL 5432, Redis 6379). */
export async function startTcpProxy(targetUrl: string, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || (target.protocol.startsWith('postgres') ? 5432 : 6379));
  const open = new Set<Socket>();
  const held = new Set<Socket>();
  let cut = false;
  const drop = (sockets: Set<Socket>) => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const server: Server = createServer((client) => {
    if (cut) {
      client.on('error', () => undefined);
      if (options.whenCut === 'drop') client.destroy();
      else held.add(client);
      return;
    }
    const upstream = connect(targetPort, target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        open.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const proxied = new URL(targetUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);

  return {
    url: proxied.toString(),
    get isCut() {
      return cut;
    },
    cut() {
      cut = true;
      drop(open);
    },
    restore() {
      cut = false;
      drop(held);
    },
    close: async () => {
      cut = true;
      drop(open);
      drop(held);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
