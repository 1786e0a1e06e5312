import type { SocketData } from '../../realtime/socket.types';
import type { PresenceUser, RoomsSocketData } from './rooms-live.types';

/** The users behind `sockets` (local or remote, as fetchSockets returns them), each once, in first-seen order. */
export function presenceOf(sockets: ReadonlyArray<{ data: Partial<SocketData<RoomsSocketData>> }>): PresenceUser[] {
  const users = new Map<string, PresenceUser>();
  for (const { data } of sockets) {
    const userId = data.principal?.userId;
    if (!userId || users.has(userId)) continue;
    users.set(userId, { userId, displayName: data.displayName ?? userId });
  }
  return [...users.values()];
}
