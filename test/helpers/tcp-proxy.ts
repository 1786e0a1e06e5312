import { Server, Socket, createConnection, createServer } from 'node:net';

/**
 * A TCP proxy on a loopback port that forwards every connection to `target`, and that a test cuts
 * (connections dropped, new ones refused: what a client sees when its database goes down) and
 * restores on the same port. The real server behind it keeps running.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();
  private listeningPort = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Starts forwarding from a free loopback port to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen();
    return proxy;
  }

  /** The loopback port clients connect to. */
  get port(): number {
    return this.listeningPort;
  }

  /** Refuses new connections and drops the open ones, in both directions. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forwards again, on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  close(): Promise<void> {
    return this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listeningPort, '127.0.0.1', () => resolve());
    });
    this.listeningPort = (server.address() as { port: number }).port;
    this.server = server;
  }

  private forward(client: Socket): void {
    const upstream = createConnection(this.target);
    for (const [socket, peer] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.connections.add(socket);
      socket.on('error', () => peer.destroy());
      socket.on('close', () => {
        this.connections.delete(socket);
        peer.destroy();
      });
      socket.pipe(peer);
    }
  }
}
