import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface TestHttpServer {
  /** `http://<host>:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request the server received, in order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on a free port of `host` (127.0.0.1 unless told), recording what reaches it. */
export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse, server: TestHttpServer) => void,
  host = '127.0.0.1',
): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  const http = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, server);
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const { port } = http.address() as AddressInfo;
  const server: TestHttpServer = {
    url: `http://${host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections();
        http.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return server;
}

/** Answers JSON. */
export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
