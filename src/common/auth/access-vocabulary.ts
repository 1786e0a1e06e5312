/**
 * The resources (Casbin objects) and verbs (actions) that routes and socket events name in their
 * access declarations (`@Endpoint({ access: ['rooms', 'read'] })`, `@AuthorizeEvent('rooms', 'read')`).
 * Shared by the declarations here and the policies of the access module; a module that brings a new
 * resource adds it here before using it.
 */

/** Every resource a route can name in `@Authorize(object, action)`. Add a resource here before using it. */
export const ACCESS_OBJECTS = [
  'users',
  'groups',
  'policies',
  'roles',
  'audit-logs',
  'rooms',
  'invites',
  'events',
  'chats',
  'models',
  'model-providers',
  'workspaces',
  'coding-sessions',
  'deployments',
  'files',
  'tariffs',
  'licenses',
  'jobs',
  'tenants',
] as const;
export type AccessObject = (typeof ACCESS_OBJECTS)[number];

/** Verbs a request asks for. `manage` is the administrative verb of a resource (it does not imply the others). */
export const ACCESS_ACTIONS = ['read', 'create', 'update', 'delete', 'manage'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

