import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestContext } from './request-context';

/** Opens the request's context; the guard adds the principal to it. */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { ip?: string }, _res: ServerResponse, next: () => void): void {
    const ua = req.headers['user-agent'];
    requestContext.run(
      {
        requestId: String(req.headers['x-request-id'] ?? ''),
        ip: req.ip ?? req.socket.remoteAddress,
        userAgent: typeof ua === 'string' ? ua.slice(0, 512) : undefined,
      },
      next,
    );
  }
}
