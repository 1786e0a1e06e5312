import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy in front of a real server (Redis), that a test cuts and restores to simulate an
 * outage without stopping the shared server. `cut()` drops every open connection; until `restore()`,
 * new connections are accepted and then never answered, as across a network partition (the harder
 * case for a client: a refused connection fails at once, this one only after the client's timeout).
 * `restore()` drops those too, so that clients reconnect at once.
 */
export interface TcpProxy {
  /** The target URL with the proxy's host and port in place of the target's: `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly isCut: boolean;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 6379);
  const open = new Set<Socket>();
  const held = new Set<Socket>();
  let cut = false;
  const drop = (sockets: Set<Socket>) => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const server: Server = createServer((client) => {
    if (cut) {
      held.add(client);
      client.on('error', () => undefined);
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
