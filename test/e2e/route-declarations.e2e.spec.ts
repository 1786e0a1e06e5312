import { Controller, Get, Post, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ACCESS_ACTIONS, ACCESS_OBJECTS } from '../../src/access/access.constants';
import { AUTHORIZE, AccessRequirement, Authorize } from '../../src/common/auth/auth.decorators';
import { IS_PUBLIC, Public } from '../../src/common/http/public.decorator';
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

@Controller('probe')
class ProbeController {
  @Get('open') @Public() open(): void {}
  @Get('guarded') @Authorize('rooms', 'read') guarded(): void {}
  @Post('forgotten') forgotten(): void {}
}

/**
 * Deny by default: every route of the application must say who may call it,
 * with `@Public()` or one of the AUTHORIZE declarations (`@Authorize`,
 * `@Authenticated`, `@PlatformAdmin`), on the method or on its controller.
 */
describe('route declarations', () => {
  let app: TestApp;
  let routes: Route[];

  beforeAll(async () => {
    app = await startTestApp();
    routes = collectRoutes(app.app.get(ModulesContainer));
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
});
