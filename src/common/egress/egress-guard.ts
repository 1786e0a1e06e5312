import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici';
import { EgressError } from './egress.error';
import { EgressPolicy, classifyAddress } from './egress-policy';

export interface EgressLimits {
  /** Largest response body; a longer one is cut off (EgressError `response-too-large`). */
  maxResponseBytes: number;
  /** Total time of a request: connection, redirects and the whole body. */
  timeoutMs: number;
  /** Redirects followed (each one checked again) when the caller asks fetch to follow them. */
  maxRedirects: number;
}

/** The addresses a host name resolves to (all of them, in the resolver's order). */
export type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
/** Request headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

const originOf = (url: URL) => `${url.protocol}//${url.host}`;
const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);
const bare = (hostname: string) => (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname);

/**
 * The one way the server fetches a URL that somebody configured (OIDC issuers and the endpoints they
 * advertise now; LLM provider base URLs, webhooks and storage endpoints later). Built on undici:
 *
 * - every connection goes through our connector, which resolves the host name, keeps only the addresses
 *   the {@link EgressPolicy} permits (public unicast, or allowed by EGRESS_ALLOW) and connects to one
 *   of them: the address checked is the address connected to, so DNS rebinding gains nothing;
 * - redirects are followed here, one hop at a time (each hop connects through the same connector), up
 *   to `maxRedirects`; credentials are dropped when a redirect changes origin;
 * - the response body is streamed through a counter and the request aborted past `maxResponseBytes`;
 * - the whole request, body included, is bounded by `timeoutMs`.
 *
 * `fetch` is a drop-in `fetch` (openid-client's `customFetch`, the `openai` SDK's `fetch` option);
 * `dispatcher` is the bare undici dispatcher (address checks only, no body cap) for code that takes one.
 */
@Injectable()
export class EgressGuard implements OnModuleDestroy {
  readonly dispatcher: Dispatcher;
  /** fetch with the configured limits. */
  readonly fetch: typeof fetch;

  constructor(
    private readonly policy: EgressPolicy,
    private readonly limits: EgressLimits,
    private readonly resolve: Resolver = systemResolver,
  ) {
    const base = buildConnector({ timeout: limits.timeoutMs });
    this.dispatcher = new Agent({
      connect: (options, callback) => {
        const port = Number(options.port) || defaultPort(options.protocol);
        this.pick(bare(options.hostname), port).then(
          (address) => base({ ...options, hostname: address }, callback),
          (err: Error) => callback(err, null),
        );
      },
    });
    this.fetch = this.fetcher();
  }

  /** A fetch with other limits than the configured ones (a bigger body for one caller, say). */
  fetcher(limits: Partial<EgressLimits> = {}): typeof fetch {
    const effective = { ...this.limits, ...limits };
    return (input, init) => this.request(input, init ?? {}, effective);
  }

  /**
   * Refuses (EgressError) a URL whose scheme is not http(s) or whose host resolves only to refused
   * addresses: the check a configuration-time validation makes. Fetching checks again at connect time.
   */
  async assertAllowed(url: string | URL): Promise<void> {
    const target = checkedUrl(url);
    await this.pick(bare(target.hostname), Number(target.port) || defaultPort(target.protocol));
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.close();
  }

  /** The address to connect to: the first one the host resolves to that the policy permits. */
  private async pick(host: string, port: number): Promise<string> {
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      try {
        addresses = await this.resolve(host);
      } catch {
        throw new EgressError('unresolvable', `${host} does not resolve`);
      }
    }
    const permitted = addresses.find((address) => this.policy.permits(host, port, address));
    if (permitted) return permitted;
    const refused = addresses.map((a) => `${a} (${describe(a)})`).join(', ');
    throw new EgressError('forbidden-address', `${host}:${port} resolves to ${refused || 'nothing'}, which the server may not connect to`);
  }

  private async request(input: string | URL | Request, init: RequestInit, limits: EgressLimits): Promise<Response> {
    if (input instanceof Request) {
      init = { method: input.method, headers: input.headers, body: input.body ? await input.arrayBuffer() : undefined, redirect: input.redirect, signal: input.signal, ...init };
      input = input.url;
    }
    const cutOff = new AbortController();
    const signals = [AbortSignal.timeout(limits.timeoutMs), cutOff.signal, ...(init.signal ? [init.signal] : [])];
    const signal = AbortSignal.any(signals);
    let url = checkedUrl(input);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body ?? null;
    const headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      const res = await this.send(url, { ...init, method, headers, body, signal }, signals);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location || init.redirect === 'manual') return capped(res, limits.maxResponseBytes, cutOff, url);
      await res.body?.cancel();
      if (init.redirect === 'error') throw new EgressError('bad-url', `${originOf(url)} answered a redirect, which the caller refused`);
      if (hop >= limits.maxRedirects) throw new EgressError('too-many-redirects', `more than ${limits.maxRedirects} redirects from ${originOf(url)}`);
      let next: URL;
      try {
        next = checkedUrl(new URL(location, url));
      } catch {
        throw new EgressError('bad-url', `${originOf(url)} redirected to something that is not an http(s) URL`);
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = null;
        headers.delete('content-type');
        headers.delete('content-length');
      } else if (body instanceof ReadableStream) {
        throw new EgressError('bad-url', `${originOf(url)} redirected a streamed request body, which cannot be sent again`);
      }
      if (originOf(next) !== originOf(url)) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      url = next;
    }
  }

  private async send(url: URL, init: RequestInit, signals: AbortSignal[]): Promise<Awaited<ReturnType<typeof undiciFetch>>> {
    try {
      // undici's RequestInit is the standard one; its own type declarations differ from lib.dom's only in spelling.
      return await undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), redirect: 'manual', dispatcher: this.dispatcher });
    } catch (err) {
      const egress = EgressError.find(err);
      if (egress) throw egress;
      if (signals[0].aborted) throw new EgressError('timeout', `${originOf(url)} did not answer in time`);
      throw err;
    }
  }
}

function describe(address: string): string {
  try {
    const c = classifyAddress(address);
    return c.metadata ? 'a cloud metadata service' : c.range;
  } catch {
    return 'not an address';
  }
}

function checkedUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new EgressError('bad-url', 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgressError('bad-url', `${url.protocol} URLs are not fetched`);
  return url;
}

/**
 * The response with its body streamed through a byte counter: past `max` bytes the request is
 * aborted and the body fails with EgressError `response-too-large`, so no more than `max` bytes (plus
 * one chunk) are ever held. A Content-Length above the cap fails at once.
 */
function capped(res: Awaited<ReturnType<typeof undiciFetch>>, max: number, cutOff: AbortController, url: URL): Response {
  const tooLarge = () => new EgressError('response-too-large', `the response of ${originOf(url)} is larger than ${max} bytes`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    cutOff.abort();
    throw tooLarge();
  }
  let seen = 0;
  const body =
    NULL_BODY.has(res.status) || !res.body
      ? null
      : res.body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              seen += chunk.byteLength;
              if (seen <= max) return controller.enqueue(chunk);
              const err = tooLarge();
              cutOff.abort(err);
              controller.error(err);
            },
          }),
        );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: new Headers([...res.headers]) });
}
