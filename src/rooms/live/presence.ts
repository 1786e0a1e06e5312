import type { PresenceUser, SocketData } from '../realtime/events';

/** Socket.IO rooms of the live rooms protocol, next to `room:<id>` (realtime.constants roomChannel). */
export const waitingChannel = (roomId: string): string => `waiting:${roomId}`;

/** The users behind `sockets` (local or remote, as fetchSockets returns them), each once, in first-seen order. */
export function presenceOf(sockets: ReadonlyArray<{ data: Partial<SocketData> }>): PresenceUser[] {
  const users = new Map<string, PresenceUser>();
  for (const { data } of sockets) {
    const userId = data.principal?.userId;
    if (!userId || users.has(userId)) continue;
    users.set(userId, { userId, displayName: data.displayName ?? userId });
  }
  return [...users.values()];
}
