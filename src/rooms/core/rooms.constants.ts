/** Room types. */
export const ROOM_TYPES = ['CHAT', 'DASHBOARD', 'CALL'] as const;
export type RoomType = (typeof ROOM_TYPES)[number];

/** Roles inside a room, strongest first. What each may do is RoomAccess's table (docs/rooms.md). */
export const ROOM_ROLES = ['OWNER', 'MODERATOR', 'MEMBER', 'GUEST'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];
/** Roles that can be given through the members API (ownership moves only by transfer). */
export const ASSIGNABLE_ROOM_ROLES = ['MODERATOR', 'MEMBER', 'GUEST'] as const;
export type AssignableRoomRole = (typeof ASSIGNABLE_ROOM_ROLES)[number];

export const MESSAGE_KINDS = ['user', 'bot'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_MAX_LENGTH = 4000;
/** The longest name a bot message can be posted under (CHECK in SQL). */
export const BOT_NAME_MAX_LENGTH = 64;

/** Join codes: 9 characters without the look-alikes 0/O, 1/I/L (31 symbols, about 44.6 bits). */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 9;
export const JOIN_CODE_PATTERN = /^[A-HJKMNP-Z2-9]{9}$/;
/** How often a colliding code is redrawn before giving up (31^9 codes: a collision is rare). */
export const CODE_ATTEMPTS = 10;
