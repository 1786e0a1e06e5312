export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Sent as is (a string or bytes), with the content type given in headers. */
  raw?: string | Uint8Array;
}

/** A small fetch wrapper for end-to-end tests: real HTTP against a listening server. */
export async function request<T = any>(method: string, url: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | Uint8Array | undefined = options.raw;
  if (payload === undefined && body !== undefined) {
    headers['content-type'] ??= 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.includes('json') && text.length > 0 ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export const http = {
  get: <T = any>(url: string, options?: RequestOptions) => request<T>('GET', url, undefined, options),
  delete: <T = any>(url: string, options?: RequestOptions) => request<T>('DELETE', url, undefined, options),
  post: <T = any>(url: string, body?: unknown, options?: RequestOptions) => request<T>('POST', url, body, options),
  put: <T = any>(url: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', url, body, options),
  patch: <T = any>(url: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', url, body, options),
};

/** Asserts a problem+json answer with the given status (and code), and returns its body. */
export function expectProblem(response: HttpResponse, status: number, code?: string): any {
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status, ...(code && { code }) } });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return response.body;
}
