/** Largest Socket.IO frame a client may send; a bigger one closes its connection (engine.io limit). */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;

/** How long a dropped client can come back and receive what it missed (connection state recovery). */
export const MAX_DISCONNECTION_MS = 2 * 60 * 1000;

/** Every socket of a user joins this channel (Socket.IO room) at connect, in every namespace. */
export const userRoom = (userId: string): string => `user:${userId}`;

/** Every socket signed in with an access token joins the room of its session (refresh-token family). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** Every socket joins the room of its tenant. */
export const tenantRoom = (tenantId: string): string => `tenant:${tenantId}`;

/** Every socket authenticated with an API key joins the room of that key. */
export const apiKeyRoom = (apiKeyId: string): string => `api-key:${apiKeyId}`;

/** Every socket joins the room of its client address (SOCKET_MAX_PER_IP counts it). */
export const addressRoom = (address: string): string => `address:${address}`;

const IDENTITY_PREFIXES = ['user:', 'session:', 'tenant:', 'api-key:', 'address:'];

/** The channels the transport puts every socket in at connect (above), made again from the principal on every connection. */
export const isIdentityRoom = (channel: string): boolean => IDENTITY_PREFIXES.some((prefix) => channel.startsWith(prefix));
