import { AppException } from '../errors/app.exception';
import type { PlatformRole, Principal } from './principal';

/**
 * Who the platform admins of a tenant are. The users module knows (the platform role is on the
 * user) and provides it; the access module asks, so that a tenant admin's change of the tenant's
 * rules never lowers a platform admin's rights. An abstract class is the injection token.
 */
export abstract class PlatformAdmins {
  /** The ids of the tenant's users whose platform role is `admin`. */
  abstract idsIn(tenantId: string): Promise<string[]>;
}

/** 403 `platform-admin-protected`: a tenant admin tried to act on a platform admin. */
export const platformAdminProtected = (detail = 'Only platform admins may act on a platform admin.'): AppException =>
  AppException.forbidden(detail, 'platform-admin-protected');

/** Only platform admins act on a platform admin: 403 `platform-admin-protected` otherwise. */
export function assertMayActOn(actor: Principal, target: { role: PlatformRole }): void {
  if (target.role === 'admin' && actor.role !== 'admin') throw platformAdminProtected();
}
