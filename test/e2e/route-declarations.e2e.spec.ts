import { DatabaseOutage } from '../../src/common/database/database-outage';
import { Controller, Get, Module, Post, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ConnectedSocket, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { GATEWAY_METADATA, GATEWAY_OPTIONS, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { io } from 'socket.io-client';
import { ACCESS_ACTIONS, ACCESS_OBJECTS } from '../../src/access/access.constants';
import { AUTHORIZE, AccessRequirement, Authorize, AuthorizeEvent, AuthenticatedEvent } from '../../src/common/auth/auth.decorators';
import { IS_PUBLIC, Public } from '../../src/common/http/public.decorator';
import { ok } from '../../src/realtime/ack';
import { LiveGateway } from '../../src/realtime/live-gateway';
import { RealtimeModule } from '../../src/realtime/realtime.module';
import type { Ack, LiveSocket } from '../../src/realtime/socket.types';
import { adminUser } from '../helpers/factory';
import { TestApp, startTestApp } from '../helpers/test-app';

interface Route {
  readonly route: string;
  readonly isPublic: boolean;
  readonly requirement: AccessRequirement | undefined;
}

const joinPath = (...parts: Array<string | string[] | undefined>): string =>
  '/' +
  parts
    .map((p) => (Array.isArray(p) ? p[0] : p) ?? '')
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Every route of every controller registered in the container, with what it declares. */
function collectRoutes(modules: ModulesContainer): Route[] {
  const discovery = new DiscoveryService(modules);
  const scanner = new MetadataScanner();
  const seen = new Set<Type>();
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type | null;
    if (!controller || seen.has(controller)) continue;
    seen.add(controller);
    const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      routes.push({
        route: `${RequestMethod[method]} ${joinPath(prefix, path)} (${controller.name}.${name})`,
        isPublic: Reflect.getMetadata(IS_PUBLIC, handler) === true || Reflect.getMetadata(IS_PUBLIC, controller) === true,
        requirement: (Reflect.getMetadata(AUTHORIZE, handler) ?? Reflect.getMetadata(AUTHORIZE, controller)) as AccessRequirement | undefined,
      });
    }
  }
  return routes;
}

interface SocketHandler {
  readonly handler: string;
  readonly requirement: AccessRequirement | undefined;
  /** The gateway extends LiveGateway (ack filter, per-socket rate limits, ping). */
  readonly live: boolean;
  readonly namespace: unknown;
}

/** Every event handler of every gateway registered in the container, with what it declares. */
function collectSocketHandlers(modules: ModulesContainer): SocketHandler[] {
  const discovery = new DiscoveryService(modules);
  const scanner = new MetadataScanner();
  const seen = new Set<Type>();
  const handlers: SocketHandler[] = [];
  for (const wrapper of discovery.getProviders()) {
    const gateway = wrapper.metatype as Type | null;
    if (!gateway || seen.has(gateway) || !Reflect.getMetadata(GATEWAY_METADATA, gateway)) continue;
    seen.add(gateway);
    for (const name of scanner.getAllMethodNames(gateway.prototype)) {
      const method = (gateway.prototype as Record<string, unknown>)[name];
      if (typeof method !== 'function' || !Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method)) continue;
      handlers.push({
        handler: `${String(Reflect.getMetadata(MESSAGE_METADATA, method))} (${gateway.name}.${name})`,
        requirement: (Reflect.getMetadata(AUTHORIZE, method) ?? Reflect.getMetadata(AUTHORIZE, gateway)) as AccessRequirement | undefined,
        live: gateway.prototype instanceof LiveGateway,
        namespace: (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { namespace?: unknown } | undefined)?.namespace,
      });
    }
  }
  return handlers;
}

@Controller('probe')
class ProbeController {
  @Get('open') @Public() open(): void {}
  @Get('guarded') @Authorize('rooms', 'read') guarded(): void {}
  @Post('forgotten') forgotten(): void {}
}

/** A gateway with one declared and one forgotten handler: the forgotten one must be refused, not run. */
@WebSocketGateway({ namespace: '/probe' })
class ProbeGateway extends LiveGateway {
  readonly ran: string[] = [];

  @SubscribeMessage('declared')
  @AuthorizeEvent('rooms', 'read')
  declared(): Ack<string> {
    this.ran.push('declared');
    return ok('ran');
  }

  @SubscribeMessage('forgotten')
  forgotten(@ConnectedSocket() _socket: LiveSocket): Ack<string> {
    this.ran.push('forgotten');
    return ok('ran');
  }

  @SubscribeMessage('any-caller')
  @AuthenticatedEvent()
  anyCaller(): Ack<string> {
    this.ran.push('any-caller');
    return ok('ran');
  }
}

@Module({ imports: [RealtimeModule], providers: [ProbeGateway] })
class ProbeGatewayModule {}

/**
 * Deny by default: every route of the application must say who may call it,
 * with `@Public()` or one of the AUTHORIZE declarations (`@Authorize`,
 * `@Authenticated`, `@PlatformAdmin`), on the method or on its controller.
 */
describe('route declarations', () => {
  let app: TestApp;
  let routes: Route[];
  let socketHandlers: SocketHandler[];

  beforeAll(async () => {
    app = await startTestApp();
    routes = collectRoutes(app.app.get(ModulesContainer));
    socketHandlers = collectSocketHandlers(app.app.get(ModulesContainer));
  });
  afterAll(() => app?.close());

  it('detects an undeclared route (self-test of the collector)', async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    const probe = collectRoutes(moduleRef.get(ModulesContainer));
    expect(probe.filter((r) => !r.isPublic && !r.requirement).map((r) => r.route)).toEqual(['POST /probe/forgotten (ProbeController.forgotten)']);
    await moduleRef.close();
  });

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining([expect.stringMatching(/^POST \/policies\/check /)]));
  });

  it('declares @Public() or an authorization requirement on every route', () => {
    const undeclared = routes.filter((r) => !r.isPublic && !r.requirement).map((r) => r.route);
    if (undeclared.length > 0) console.error(`Routes without @Public() or an authorization declaration:\n  ${undeclared.join('\n  ')}`);
    expect(undeclared).toEqual([]);
  });

  it('never declares both @Public() and a requirement', () => {
    const both = routes.filter((r) => r.isPublic && r.requirement).map((r) => r.route);
    if (both.length > 0) console.error(`Routes both public and guarded:\n  ${both.join('\n  ')}`);
    expect(both).toEqual([]);
  });

  it('names only known resources and verbs in @Authorize', () => {
    const objects: readonly string[] = ACCESS_OBJECTS;
    const actions: readonly string[] = ACCESS_ACTIONS;
    const unknown = routes
      .filter((r) => r.requirement?.kind === 'policy' && (!objects.includes(r.requirement.object) || !actions.includes(r.requirement.action)))
      .map((r) => `${r.route}: ${JSON.stringify(r.requirement)}`);
    if (unknown.length > 0) console.error(`@Authorize with a resource or verb missing from src/access/access.constants.ts:\n  ${unknown.join('\n  ')}`);
    expect(unknown).toEqual([]);
  });

  describe('socket handlers', () => {
    it('detects an undeclared socket handler (self-test of the collector)', async () => {
      // DatabaseOutage: what the gateways' exception filter needs, which the application's DatabaseModule provides.
      const moduleRef = await Test.createTestingModule({ providers: [ProbeGateway, DatabaseOutage] }).compile();
      const probe = collectSocketHandlers(moduleRef.get(ModulesContainer));
      expect(probe.filter((h) => !h.requirement).map((h) => h.handler)).toEqual(['forgotten (ProbeGateway.forgotten)']);
      await moduleRef.close();
    });

    it('finds the socket handlers', () => {
      expect(socketHandlers.map((h) => h.handler)).toEqual(expect.arrayContaining([expect.stringMatching(/^room:join /), expect.stringMatching(/^ping /)]));
    });

    it('declares @AuthorizeEvent or @AuthenticatedEvent on every socket handler', () => {
      const undeclared = socketHandlers.filter((h) => !h.requirement).map((h) => h.handler);
      if (undeclared.length > 0) console.error(`Socket handlers without @AuthorizeEvent or @AuthenticatedEvent:\n  ${undeclared.join('\n  ')}`);
      expect(undeclared).toEqual([]);
    });

    it('names only known resources and verbs in @AuthorizeEvent', () => {
      const objects: readonly string[] = ACCESS_OBJECTS;
      const actions: readonly string[] = ACCESS_ACTIONS;
      const unknown = socketHandlers
        .filter((h) => h.requirement?.kind === 'policy' && (!objects.includes(h.requirement.object) || !actions.includes(h.requirement.action)))
        .map((h) => `${h.handler}: ${JSON.stringify(h.requirement)}`);
      expect(unknown).toEqual([]);
    });

    it('puts every gateway on a namespace of its own and on LiveGateway (acks, rate limits, ping)', () => {
      const off = socketHandlers.filter((h) => !h.live || typeof h.namespace !== 'string' || h.namespace === '/').map((h) => h.handler);
      expect(off).toEqual([]);
    });

    it('refuses, at run time, a handler that declares nothing, and runs the declared ones', async () => {
      const probeApp = await startTestApp({}, { extraModules: [ProbeGatewayModule] });
      const socket = io(`${probeApp.url}/probe`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: (await adminUser(probeApp)).accessToken } });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const emit = (event: string) => socket.timeout(5000).emitWithAck(event, {}) as Promise<Ack<string>>;
        expect(await emit('forgotten')).toEqual({ ok: false, error: { status: 403, code: 'undeclared-route', detail: expect.any(String) } });
        expect(await emit('declared')).toEqual({ ok: true, data: 'ran' });
        expect(await emit('any-caller')).toEqual({ ok: true, data: 'ran' });
        expect(probeApp.app.get(ProbeGateway).ran).toEqual(['declared', 'any-caller']);
      } finally {
        socket.disconnect();
        await probeApp.close();
      }
    });
  });
});
