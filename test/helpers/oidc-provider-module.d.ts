/**
 * The slice of oidc-provider (ships no types) that test/helpers/oidc-provider.ts uses.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

  export interface OidcAccount {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export interface OidcClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
  }

  export interface OidcInteraction {
    uid: string;
    prompt: { name: string; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
  }

  export interface OidcGrant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  }

  export interface OidcProviderContext {
    oidc: {
      client?: { clientId: string };
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      params?: Record<string, unknown>;
      provider: Provider;
    };
  }

  export interface OidcConfiguration {
    clients: OidcClientMetadata[];
    findAccount(ctx: unknown, id: string): Promise<OidcAccount | undefined>;
    claims?: Record<string, string[]>;
    scopes?: string[];
    features?: Record<string, { enabled: boolean }>;
    interactions?: { url(ctx: unknown, interaction: OidcInteraction): string };
    cookies?: { keys: string[] };
    loadExistingGrant?(ctx: OidcProviderContext): Promise<OidcGrant | undefined>;
    pkce?: { required(): boolean };
    ttl?: Record<string, number>;
    jwks?: { keys: object[] };
    conformIdTokenClaims?: boolean;
    renderError?(ctx: { type: string; body: unknown }, out: Record<string, unknown>, error: Error): Promise<void>;
  }

  export class Provider {
    constructor(issuer: string, configuration: OidcConfiguration);
    readonly issuer: string;
    proxy: boolean;
    callback(): RequestListener;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<OidcInteraction>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    Grant: {
      new (properties: { accountId: string; clientId: string }): OidcGrant;
      find(id: string): Promise<OidcGrant | undefined>;
    };
  }

  export default Provider;
}
