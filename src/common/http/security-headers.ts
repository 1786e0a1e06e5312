import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Headers = Record<string, string>;

/**
 * The headers helmet sets with these options, computed once. Helmet's middleware only sets
 * constant headers (no nonces here), so running it per request, as @fastify/helmet does (it
 * rebuilds the middleware from the options on every request), repeats the same work.
 */
function helmetHeaders(options: Readonly<HelmetOptions>): Headers {
  const headers: Headers = {};
  const response = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: () => undefined,
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * Security headers on every response (helmet's defaults with a CSP that lets the Swagger UI at
 * /docs run). `Strict-Transport-Security` and the CSP's `upgrade-insecure-requests` go only on
 * responses to https requests (as Fastify sees the protocol, X-Forwarded-Proto included when
 * TRUST_PROXY allows): over plain http the first makes a browser fetch /docs' scripts and styles
 * over https, which a plain-http server does not answer (a blank page), and browsers ignore HSTS
 * received over http anyway (RFC 6797 section 8.1).
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  const directives = {
    defaultSrc: [`'self'`],
    styleSrc: [`'self'`, `'unsafe-inline'`],
    imgSrc: [`'self'`, 'data:', 'validator.swagger.io'],
    scriptSrc: [`'self'`, `'unsafe-inline'`],
  };
  const overHttps = helmetHeaders({ contentSecurityPolicy: { directives } });
  const overHttp = helmetHeaders({
    contentSecurityPolicy: { directives: { ...directives, upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(request.protocol === 'https' ? overHttps : overHttp);
    done();
  });
}
