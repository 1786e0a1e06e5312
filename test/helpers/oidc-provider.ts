import { generateKeyPairSync } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Provider as OidcProvider } from 'oidc-provider';

/** A user of the test identity provider: the claims it asserts about them. */
export interface IdpAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
}

export interface TestIdp {
  /** The issuer URL (http://127.0.0.1:<port>), as a tenant's OIDC settings name it. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  addAccount(account: IdpAccount): void;
  /**
   * Plays the browser: opens the authorization URL, signs in as `sub` at the
   * login prompt, grants consent, and follows the redirects until the provider
   * sends the browser back to a registered redirect URI. Returns that URL (with
   * `code`, `state` and `iss`) without calling it.
   */
  signIn(authorizationUrl: string, sub: string): Promise<URL>;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  /** The app's callback URLs the client may be sent back to. */
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
}

/** A TCP port that was free a moment ago: for a server whose public URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** oidc-provider warns about Node 20 and its in-memory store (both fine for tests) on load: keep test output clean. */
async function quietly(build: () => Promise<OidcProvider>): Promise<OidcProvider> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING')) warn(...args);
  };
  try {
    return await build();
  } finally {
    console.warn = warn;
  }
}

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)/;

/**
 * A real OpenID Provider (the `oidc-provider` package) on 127.0.0.1 with one
 * confidential client, authorization code flow with PKCE. The interaction
 * (login and consent) endpoints are ours: `GET /interaction/:uid?login=<sub>`
 * finishes the login prompt as that account, and the consent prompt grants
 * what was asked, so a test drives the whole flow over HTTP without a browser.
 */
export async function startOidcProvider(options: TestIdpOptions): Promise<TestIdp> {
  const clientId = options.clientId ?? 'collab-test-client';
  const clientSecret = options.clientSecret ?? 'collab-test-client-secret-0123456789';
  const accounts = new Map<string, IdpAccount>();
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = await quietly(async () => new (await import('oidc-provider')).default(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ ...account }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['collab-test-idp-cookie-key'] },
    pkce: { required: () => true },
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  }));
  const providerCallback = provider.callback();

  handler = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (!INTERACTION_PATH.test(url.pathname)) return providerCallback(req, res);
    void interact(req, res, url).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  };

  async function interact(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const login = url.searchParams.get('login');
      if (!login || !accounts.has(login)) {
        res.statusCode = 400;
        res.end(`unknown test account ${login}`);
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    // consent: grant what the client asked for
    const grant = new provider.Grant({ accountId: details.session?.accountId ?? '', clientId });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return {
    issuer,
    clientId,
    clientSecret,
    addAccount: (account) => accounts.set(account.sub, account),
    async signIn(authorizationUrl, sub) {
      const jar = new Map<string, string>();
      let next = new URL(authorizationUrl);
      for (let hop = 0; hop < 12; hop++) {
        if (options.redirectUris.some((uri) => next.href.startsWith(`${uri}?`))) return next;
        if (INTERACTION_PATH.test(next.pathname) && next.origin === issuer) next.searchParams.set('login', sub);
        const res = await fetch(next, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const cookie of res.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const eq = pair.indexOf('=');
          const name = pair.slice(0, eq).trim();
          const value = pair.slice(eq + 1).trim();
          if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
          else jar.set(name, value);
        }
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location) {
          throw new Error(`the identity provider answered ${res.status} at ${next.pathname}: ${await res.text()}`);
        }
        await res.arrayBuffer().catch(() => undefined);
        next = new URL(location, next);
      }
      throw new Error('too many redirects at the identity provider');
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
