import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '../auth/principal';

/** What the audit writer and loggers need to know about the request being served. */
export interface RequestContext {
  requestId?: string;
  ip?: string;
  userAgent?: string;
  principal?: Principal;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  /** The current request's context, or an empty one outside a request (jobs, start-up). */
  get(): RequestContext {
    return storage.getStore() ?? {};
  },
};
