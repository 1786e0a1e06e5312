import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AppException } from '../errors/app.exception';

/** Fixed-length digests, so that the comparison takes the same time whatever the length of the guess. */
const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * Protects GET /metrics with METRICS_TOKEN when it is set: the scraper sends
 * `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time. Unset, /metrics is open
 * (the deployment keeps it off the public network).
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: AppConfig) {
    this.expected = config.env.METRICS_TOKEN === undefined ? undefined : digest(config.env.METRICS_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const authorization = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
    if (token !== undefined && timingSafeEqual(digest(token), this.expected)) return true;
    throw new AppException(401, 'unauthorized', {
      detail: 'The metrics need Authorization: Bearer <METRICS_TOKEN>.',
      headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
    });
  }
}
