import * as fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';
import { TestUser, adminUser, newRoom, newUser } from '../helpers/factory';
import { http } from '../helpers/http';
import { TestApp, startTestApp } from '../helpers/test-app';

/**
 * A property-based fuzz run over every operation of the OpenAPI document: for each one, requests
 * generated from its declared parameters and body schema (valid ones, and malformed ones: wrong
 * types, nulls, NUL characters, lone surrogates, huge strings, deep nesting, extra keys, forged
 * cursors and dates, broken percent-encoding), sent without credentials, as a member and as a
 * platform admin. Whatever comes in, the server must answer without a 5xx, every 4xx must be
 * problem+json, and every 2xx JSON body must have the properties its schema declares as required.
 *
 * Deterministic: a fixed seed per operation and a fixed number of cases, so a failure is
 * reproducible and the run stays within about a minute. Every failure is collected, so one run
 * lists them all.
 */

const SEED = 20261202;
const VALID_RUNS = 6;
const MALFORMED_RUNS = 30;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];
type Schema = OpenAPIV3.SchemaObject;
type AuthMode = 'none' | 'member' | 'admin';

interface Operation {
  id: string;
  method: Method;
  path: string;
  op: OpenAPIV3.OperationObject;
}

interface FuzzCase {
  auth: AuthMode;
  /** Path parameter values, already percent-encoded (or deliberately broken). */
  path: Record<string, string>;
  /** Query string pairs, already percent-encoded (or deliberately broken). */
  query: Array<[string, string]>;
  /** The raw body text, when the operation takes one. */
  body?: string;
  /** The content type sent with the body, when not the one the operation declares. */
  contentType?: string;
  /** The hostile classes the request carries; empty for a valid one. */
  classes: HostileClass[];
}

/** The ids a request may point at: the caller's own user, the room it owns, a message in it... */
interface Fixtures {
  admin: TestUser;
  member: TestUser;
  roomId: string;
  messageId: string;
  /** A module resource of the room: the document JSON Patch requests reach. */
  resourceId: string;
  groupId: string;
}

// ---- hostile values ----------------------------------------------------------------------------

/** The kinds of hostile input, so that a failure names its kind and a gap can be named by it. */
type HostileClass =
  | 'deep-nesting'
  | 'nul'
  | 'lone-surrogate'
  | 'null'
  | 'wrong-type'
  | 'huge-string'
  | 'extra-key'
  | 'not-an-object'
  | 'malformed-json'
  | 'forged-cursor'
  | 'impossible-date'
  | 'broken-url'
  | 'long-url'
  | 'media-type'
  | 'json-patch';

/**
 * Hostile classes the generator leaves out, each with the reason. Empty: every class is sent.
 * A class may only be listed here while it is reported as remaining work.
 */
const GAPS: Partial<Record<HostileClass, string>> = {};

interface Hostile<T> {
  cls: HostileClass;
  value: T;
}

type HostileTable<T> = Partial<Record<HostileClass, readonly T[]>>;

/** One hostile value of any class in `table` that is not a gap. */
function hostile<T>(table: HostileTable<T>): fc.Arbitrary<Hostile<T>> {
  const entries = (Object.entries(table) as Array<[HostileClass, readonly T[]]>).filter(([cls]) => !(cls in GAPS));
  return fc.oneof(...entries.map(([cls, values]) => fc.constantFrom(...values).map((value) => ({ cls, value }))));
}

const DEEP = 20_000;
/** A JSON value nested DEEP levels: JSON.parse copes, recursive walkers (validation, transformation) may not. */
const deepJson = (): string => '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP);
const deepArray = (): string => '['.repeat(DEEP) + ']'.repeat(DEEP);
/** Placeholder a generated body carries where a raw deeply nested value is spliced in. */
const DEEP_MARK = '\u0001deep\u0001';

/** Forged or impossible timestamps: most of them Date.parse accepts and PostgreSQL refuses. */
const BAD_DATES = ['0000-01-01T00:00:00Z', '+010000-01-01T00:00:00.000Z', '10000-01-01T00:00:00Z', '2024-02-30T00:00:00Z', '12345', '0', 'yesterday', '2024-13-01', '-000001-01-01T00:00:00Z'];
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

const BODY_VALUES: HostileTable<unknown> = {
  'deep-nesting': [DEEP_MARK],
  nul: ['a\u0000b', '\u0000'],
  'lone-surrogate': ['\uD800', 'x\uDFFFy'],
  null: [null],
  'wrong-type': [0, -1, 1e308, true, [], {}, [null], { a: null }, 'text'],
  'huge-string': ['x'.repeat(100_000), '💥'.repeat(300)],
  'impossible-date': BAD_DATES,
};
const BODY_KEYS: HostileTable<string> = {
  'extra-key': ['__proto__', 'constructor', 'prototype', 'extra', ''],
  nul: ['a\u0000b'],
  'lone-surrogate': ['\uD800'],
};
const WHOLE_BODIES: HostileTable<string> = {
  null: ['null'],
  'not-an-object': ['[]', '"text"', '42', '{}'],
  'deep-nesting': [deepJson(), deepArray()],
  'malformed-json': ['{"a":', '\u0000'],
  'lone-surrogate': ['{"a":"\\ud800"}'],
  nul: ['{"\\u0000":1}'],
};
const QUERY_VALUES: HostileTable<string> = {
  nul: ['%00', 'a%00b'],
  'broken-url': ['%ED%A0%80', '%E0%A4%A', '%', '%zz'],
  'huge-string': ['x'.repeat(5000)],
  'wrong-type': ['', '-1', '1e999', 'NaN', 'abc'],
  'impossible-date': BAD_DATES.map(encodeURIComponent),
};
const CURSORS: HostileTable<string> = {
  'forged-cursor': [base64url({ id: 'x' }), base64url({ id: -1 }), base64url({ id: 1e300 }), base64url({ id: '1'.repeat(40) }), base64url(null), base64url([]), 'not-base64!'],
  'impossible-date': BAD_DATES.map((t) => base64url({ t, id: ZERO_UUID })),
};
const PATH_VALUES: HostileTable<string> = {
  'wrong-type': ['not-a-uuid', '0', '-1', '00000000-0000-0000-0000-000000000000', '%2e%2e'],
  nul: ['%00', 'a%00b'],
  'broken-url': ['%ED%A0%80', '%E0%A4%A', '%'],
  'long-url': ['x'.repeat(5000)],
};
/** Content types no route takes (urlencoded and multipart included: every body here is JSON). */
const MEDIA_TYPES: HostileTable<string> = {
  'media-type': ['application/xml', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'garbage'],
};

/** JSON Patch documents that reach for the prototype chain or move a value into itself. */
const PATCHES: HostileTable<string> = {
  'json-patch': [
    [{ op: 'add', path: '/__proto__/polluted', value: true }],
    [{ op: 'add', path: '/constructor/prototype/polluted', value: true }],
    [{ op: 'replace', path: '/prototype', value: 1 }],
    [{ op: 'add', path: '/a', value: { b: 1 } }, { op: 'move', from: '/a', path: '/a/b/c' }],
    [{ op: 'copy', from: '/__proto__', path: '/x' }],
    [{ op: 'remove', path: '/' }],
    [{ op: 'add', path: 'no-slash', value: 1 }],
    [{ op: 'test', path: '/a\u0000', value: 1 }],
    [{ op: 'add', path: '/a' }],
  ].map((patch) => JSON.stringify(patch)),
};

// ---- schema-driven generation -------------------------------------------------------------------

class SchemaResolver {
  constructor(private readonly doc: OpenAPIV3.Document) {}

  resolve<T extends object>(value: T | OpenAPIV3.ReferenceObject): T {
    if (!('$ref' in value)) return value;
    const name = value.$ref.replace('#/components/', '').split('/');
    const section = (this.doc.components as Record<string, Record<string, unknown>>)[name[0]];
    return this.resolve(section[name[1]] as T);
  }

  /** A schema with allOf merged (what the swagger plugin emits for `$ref` with a description). */
  schema(value: Schema | OpenAPIV3.ReferenceObject): Schema {
    const schema = this.resolve(value);
    if (!schema.allOf) return schema;
    const parts = schema.allOf.map((part) => this.schema(part));
    return parts.reduce<Schema>(
      (merged, part) => ({
        ...merged,
        ...part,
        properties: { ...merged.properties, ...part.properties },
        required: [...(merged.required ?? []), ...(part.required ?? [])],
      }),
      { ...schema, allOf: undefined },
    );
  }

  /** Values the schema accepts (as far as the generator understands it). */
  arbitrary(value: Schema | OpenAPIV3.ReferenceObject, depth = 0): fc.Arbitrary<unknown> {
    const schema = this.schema(value);
    const base = this.baseArbitrary(schema, depth);
    return schema.nullable ? fc.option(base, { nil: null }) : base;
  }

  private baseArbitrary(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    if (schema.oneOf || schema.anyOf) return fc.oneof(...(schema.oneOf ?? schema.anyOf)!.map((s) => this.arbitrary(s, depth + 1)));
    switch (schema.type) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
      case 'number':
        return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(this.arbitrary(schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
      default:
        return this.objectArbitrary(schema, depth);
    }
  }

  private objectArbitrary(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const properties = schema.properties ?? {};
    if (Object.keys(properties).length === 0 || depth > 3) return fc.constant({});
    const model = Object.fromEntries(Object.entries(properties).map(([name, prop]) => [name, this.arbitrary(prop, depth + 1)]));
    return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) });
  }
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'uri':
      return fc.webUrl();
  }
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => fitsLength(s, schema));
  return fc.string({ minLength: schema.minLength ?? 1, maxLength: Math.min(schema.maxLength ?? 20, 20) });
}

const fitsLength = (s: string, schema: Schema): boolean => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity);

// ---- requests --------------------------------------------------------------------------------------

function bodyMediaType(op: OpenAPIV3.OperationObject, resolver: SchemaResolver): { type: string; schema: Schema } | undefined {
  if (!op.requestBody) return undefined;
  const content = resolver.resolve(op.requestBody).content;
  const type = Object.keys(content)[0];
  return { type, schema: resolver.schema(content[type].schema ?? {}) };
}

/** Percent-encodes a generated value for a URL (a lone surrogate cannot be: it becomes its replacement). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const encode = (value: unknown): string => encodeURIComponent(String(value).replace(LONE_SURROGATE, '\uFFFD'));

function serializeBody(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(DEEP_MARK), deepJson());
}

/** A generated piece of a request and the hostile classes it carries (none: a valid piece). */
interface Part<T> {
  value: T;
  classes: HostileClass[];
}

const clean = <T>(value: T): Part<T> => ({ value, classes: [] });
const fromHostile = <T>({ cls, value }: Hostile<T>): Part<T> => ({ value, classes: [cls] });

/** Changes one thing of a valid body: a property's value, an extra key, or the whole body. */
function malformedBody(valid: fc.Arbitrary<unknown>, schema: Schema, patch: boolean): fc.Arbitrary<Part<string>> {
  const names = Object.keys(schema.properties ?? {});
  const replaced = fc.tuple(valid, fc.constantFrom(...(names.length > 0 ? names : ['x'])), hostile(BODY_VALUES)).map(([body, name, h]) => ({
    value: serializeBody(isObject(body) ? { ...body, [name]: h.value } : h.value),
    classes: [h.cls],
  }));
  const extraKey = fc.tuple(valid, hostile(BODY_KEYS), fc.oneof(fc.string().map(clean<unknown>), hostile(BODY_VALUES).map(fromHostile))).map(([body, key, member]) => {
    const text = serializeBody(isObject(body) ? body : {});
    const pair = `${JSON.stringify(key.value)}:${serializeBody(member.value)}`;
    return { value: text === '{}' ? `{${pair}}` : `{${pair},${text.slice(1)}`, classes: [key.cls, ...member.classes] };
  });
  const arbitraries = [replaced, extraKey, hostile(WHOLE_BODIES).map(fromHostile)].map((arbitrary) => ({ arbitrary, weight: 1 }));
  // A JSON Patch route's own hazards weigh twice as much as all the others together.
  if (patch && !('json-patch' in GAPS)) arbitraries.push({ arbitrary: hostile(PATCHES).map(fromHostile), weight: 6 });
  return fc.oneof(...arbitraries);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pathArbitrary(operation: Operation, name: string, fixtures: () => Fixtures, schema: Schema, malformed: boolean): fc.Arbitrary<Part<string>> {
  const own = fixtureId(operation.path, name, fixtures());
  // Mostly the fixture: most of what a route does happens only past its 404.
  const valid = fc
    .oneof(...(own ? [{ arbitrary: fc.constant(own), weight: 6 }] : []), { arbitrary: fc.uuid(), weight: 1 }, { arbitrary: stringArbitrary(schema).map(encode), weight: 1 })
    .map(clean);
  return malformed ? fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: hostile(PATH_VALUES).map(fromHostile), weight: 1 }) : valid;
}

/** The fixture a path parameter most plausibly names, so that requests also reach existing resources. */
function fixtureId(path: string, name: string, f: Fixtures): string | undefined {
  if (name === 'userId') return f.member.id;
  if (name === 'messageId') return f.messageId;
  if (name === 'resourceId') return f.resourceId;
  if (name !== 'id') return undefined;
  if (path.startsWith('/api/v1/rooms/')) return f.roomId;
  if (path.startsWith('/api/v1/users/')) return f.member.id;
  if (path.startsWith('/api/v1/groups/')) return f.groupId;
  if (path.startsWith('/api/v1/tenants/')) return f.member.tenantId;
  return undefined;
}

type Pairs = Array<[string, string]>;

function queryArbitrary(param: OpenAPIV3.ParameterObject, resolver: SchemaResolver, malformed: boolean): fc.Arbitrary<Part<Pairs>> {
  const schema = resolver.schema(param.schema ?? { type: 'string' });
  const valid = resolver.arbitrary(schema).map((v): Pairs => [[param.name, encode(v)]]);
  const presence = (param.required ? valid : fc.oneof(fc.constant<Pairs>([]), valid)).map(clean);
  if (!malformed) return presence;
  const table = param.name === 'cursor' ? { ...QUERY_VALUES, ...CURSORS } : QUERY_VALUES;
  const bad = hostile(table).map(({ cls, value }) => ({ value: [[param.name, value]] as Pairs, classes: [cls] }));
  const repeated = fc.tuple(valid, valid).map(([a, b]) => ({ value: [...a, ...b], classes: ['wrong-type'] as HostileClass[] }));
  return fc.oneof(presence, bad, repeated);
}

/** Mostly the member: it owns the room and what is in it, so its requests get furthest into the routes. */
const authArbitrary: fc.Arbitrary<AuthMode> = fc.oneof(
  { arbitrary: fc.constant<AuthMode>('none'), weight: 1 },
  { arbitrary: fc.constant<AuthMode>('member'), weight: 3 },
  { arbitrary: fc.constant<AuthMode>('admin'), weight: 1 },
);

/** Where a malformed request carries its hostile input: one place at a time, the rest valid, so that it gets as far as it can. */
type Target = 'path' | 'query' | 'body' | 'media-type';

function caseArbitrary(operation: Operation, resolver: SchemaResolver, fixtures: () => Fixtures, malformed: boolean): fc.Arbitrary<FuzzCase> {
  const params = (operation.op.parameters ?? []).map((p) => resolver.resolve(p));
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const media = bodyMediaType(operation.op, resolver);
  const validBody = media ? resolver.arbitrary(media.schema) : undefined;

  const path = (hostileHere: boolean) =>
    fc.tuple(
      ...pathParams.map((p) =>
        pathArbitrary(operation, p.name, fixtures, resolver.schema(p.schema ?? { type: 'string' }), hostileHere).map((part) => ({ name: p.name, ...part })),
      ),
    );
  const query = (hostileHere: boolean) =>
    fc.tuple(
      ...queryParams.map((p) => queryArbitrary(p, resolver, hostileHere)),
      ...(hostileHere ? [fc.constantFrom<Part<Pairs>>(clean([]), { value: [['unknownParam', '1']], classes: ['extra-key'] })] : []),
    );
  const body = (hostileHere: boolean): fc.Arbitrary<Part<string | undefined>> =>
    !media
      ? fc.constant(clean(undefined))
      : hostileHere
        ? malformedBody(validBody!, media.schema, media.type.includes('json-patch'))
        : validBody!.map((v) => clean(serializeBody(v)));
  const contentType = (hostileHere: boolean): fc.Arbitrary<Part<string | undefined>> =>
    hostileHere ? hostile(MEDIA_TYPES).map(fromHostile) : fc.constant(clean(undefined));

  // Every operation takes an unknown query parameter, so every one has somewhere to be malformed.
  const targets: Target[] = ['query'];
  if (pathParams.length > 0) targets.push('path');
  if (media) targets.push('body', 'body');
  if (media && !('media-type' in GAPS)) targets.push('media-type');
  const target: fc.Arbitrary<Target | undefined> = malformed ? fc.constantFrom(...targets) : fc.constant(undefined);

  return target
    .chain((t) => fc.tuple(authArbitrary, path(t === 'path'), query(t === 'query'), body(t === 'body'), contentType(t === 'media-type')))
    .map(([auth, pathParts, queryPieces, bodyPart, typePart]) => ({
      auth,
      path: Object.fromEntries(pathParts.map((p) => [p.name, p.value])),
      query: queryPieces.flatMap((q) => q.value),
      body: bodyPart.value,
      contentType: typePart.value,
      classes: [...new Set([...pathParts, ...queryPieces, bodyPart, typePart].flatMap((p) => p.classes))].sort(),
    }));
}

function urlOf(baseUrl: string, operation: Operation, c: FuzzCase): string {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => c.path[name]);
  const query = c.query.map(([k, v]) => `${k}=${v}`).join('&');
  return `${baseUrl}${path}${query ? `?${query}` : ''}`;
}

// ---- response checks -------------------------------------------------------------------------------

/** A light structural check of a 2xx body: required properties present, primitive types right. */
function structuralErrors(resolver: SchemaResolver, value: unknown, schemaRef: Schema | OpenAPIV3.ReferenceObject, at = 'body', depth = 0): string[] {
  const schema = resolver.schema(schemaRef);
  if (value === null) return schema.nullable || schema.type === undefined ? [] : [`${at} is null`];
  if (depth > 6 || schema.oneOf || schema.anyOf) return [];
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at} is not a string`];
    case 'number':
    case 'integer':
      return typeof value === 'number' ? [] : [`${at} is not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} is not a boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${at} is not an array`];
      return value.flatMap((item, i) => structuralErrors(resolver, item, schema.items, `${at}.${i}`, depth + 1));
  }
  if (!schema.properties) return [];
  if (!isObject(value)) return [`${at} is not an object`];
  const missing = (schema.required ?? []).filter((name) => value[name] === undefined).map((name) => `${at}.${name} is missing`);
  const nested = Object.entries(schema.properties).flatMap(([name, prop]) =>
    value[name] === undefined ? [] : structuralErrors(resolver, value[name], prop, `${at}.${name}`, depth + 1),
  );
  return [...missing, ...nested];
}

function successSchema(op: OpenAPIV3.OperationObject, status: number, resolver: SchemaResolver): Schema | OpenAPIV3.ReferenceObject | undefined {
  const response = op.responses[String(status)];
  return response ? resolver.resolve(response).content?.['application/json']?.schema : undefined;
}

// ---- the run ----------------------------------------------------------------------------------------

describe('fuzzing every operation of the OpenAPI document', () => {
  let app: TestApp;
  let doc: OpenAPIV3.Document;
  let fixtures: Fixtures;

  beforeAll(async () => {
    app = await startTestApp();
    doc = (await http.get(`${app.url}/openapi.json`)).body;
    const admin = await adminUser(app);
    fixtures = { admin, ...(await memberWithRoom(app)), groupId: await newGroup(app, admin) };
  });
  afterAll(() => app.close());

  /**
   * Requests of a previous operation may have signed a fixture out, deleted its room or group, or
   * (as an admin) changed the member's roles: each operation meets a fresh member, room, message
   * and module resource, and a live admin and group.
   */
  async function refreshFixtures(): Promise<number> {
    if ((await http.get(app.api('/me'), { token: fixtures.admin.accessToken })).status !== 200) fixtures.admin = await adminUser(app);
    if ((await http.get(app.api(`/groups/${fixtures.groupId}`), { token: fixtures.admin.accessToken })).status !== 200) {
      fixtures.groupId = await newGroup(app, fixtures.admin);
    }
    Object.assign(fixtures, await memberWithRoom(app));
    return 2;
  }

  it('answers every generated request without a 5xx, with problem+json for every 4xx and the declared shape for every 2xx', async () => {
    const resolver = new SchemaResolver(doc);
    const operations = listOperations(doc);
    const failures = new Map<string, string>();
    let sent = 0;
    const started = Date.now();

    for (const operation of operations) {
      sent += await refreshFixtures();
      const seed = SEED + hash(operation.id);
      const cases = [
        ...fc.sample(caseArbitrary(operation, resolver, () => fixtures, false), { seed, numRuns: VALID_RUNS }),
        ...fc.sample(caseArbitrary(operation, resolver, () => fixtures, true), { seed: seed + 1, numRuns: MALFORMED_RUNS }),
      ];
      for (const c of cases) {
        const problem = await check(operation, c, resolver);
        sent++;
        if (problem) {
          const key = `${operation.id} ${problem.split(':')[0]} ${c.classes.join('+')}`;
          if (!failures.has(key)) failures.set(key, `${problem} — ${describeCase(operation, c)}`);
        }
      }
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`fuzz: ${sent} requests over ${operations.length} operations in ${seconds} s, ${failures.size} distinct failures`);
    expect(operations.length).toBeGreaterThan(100);
    expect([...failures.values()]).toEqual([]);
  }, 180_000);

  async function check(operation: Operation, c: FuzzCase, resolver: SchemaResolver): Promise<string | undefined> {
    const headers: Record<string, string> = {};
    const token = c.auth === 'member' ? fixtures.member.accessToken : c.auth === 'admin' ? fixtures.admin.accessToken : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    const media = bodyMediaType(operation.op, resolver);
    if (c.body !== undefined && media) headers['content-type'] = c.contentType ?? media.type;
    const response = await fetch(urlOf(app.url, operation, c), { method: operation.method.toUpperCase(), headers, body: c.body });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const status = response.status;
    if (status >= 500) return `${status}: ${text.slice(0, 200)}`;
    if (status >= 400) return type.startsWith('application/problem+json') ? undefined : `non-problem ${status}: ${type} ${text.slice(0, 200)}`;
    const schema = successSchema(operation.op, status, resolver);
    if (!schema || !type.startsWith('application/json')) return undefined;
    const errors = structuralErrors(resolver, JSON.parse(text), schema);
    return errors.length === 0 ? undefined : `shape ${status}: ${errors.slice(0, 3).join(', ')}`;
  }
});

function listOperations(doc: OpenAPIV3.Document): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item?.[method]).map((method) => ({ id: item![method]!.operationId!, method, path, op: item![method]! })),
  );
}

async function memberWithRoom(app: TestApp): Promise<Pick<Fixtures, 'member' | 'roomId' | 'messageId' | 'resourceId'>> {
  const member = await newUser(app);
  const room = await newRoom(app, member);
  const token = { token: member.accessToken };
  const message = await http.post(app.api(`/rooms/${room.id}/messages`), { text: 'hello' }, token);
  const resource = await http.post(app.api(`/rooms/${room.id}/module-resources`), { namespace: 'fuzz', data: { a: { b: [1, 2] } } }, token);
  return { member, roomId: room.id, messageId: message.body.id, resourceId: resource.body.id };
}

async function newGroup(app: TestApp, admin: TestUser): Promise<string> {
  const res = await http.post(app.api('/groups'), { name: `Group ${Date.now()}` }, { token: admin.accessToken });
  return res.body.id;
}

/** A small stable hash: each operation its own seed, independent of the order of the document. */
function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return Math.abs(h);
}

function describeCase(operation: Operation, c: FuzzCase): string {
  const url = urlOf('', operation, c);
  const body = c.body === undefined ? '' : ` body ${c.body.length > 160 ? `${c.body.slice(0, 160)}… (${c.body.length} chars)` : c.body}`;
  return `[${c.classes.join(', ') || 'valid'}] ${c.auth} ${operation.method.toUpperCase()} ${url.length > 200 ? `${url.slice(0, 200)}…` : url}${body}`;
}
