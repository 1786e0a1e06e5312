import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { verifyPassword } from '../common/crypto/password';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { TenantsService } from '../tenants/tenants.service';
import type { UserAccount } from '../users/user-account';
import { UsersService } from '../users/users.service';
import { LoginDto, TokenPairDto } from './dto/auth.dto';
import { LockoutService } from './lockout.service';
import { DeviceInfo, TokenService } from './token.service';

const INVALID_CREDENTIALS = () => AppException.unauthorized('The login or password is wrong.', 'invalid-credentials');

/** Sign-in (password, or an identity verified elsewhere): a new session. */
@Injectable()
export class AuthService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly lockout: LockoutService,
  ) {}

  async login(dto: LoginDto, device: DeviceInfo): Promise<TokenPairDto> {
    const user = await this.users.findByLogin(dto.login);
    const passwordOk = await verifyPassword(user?.passwordHash, dto.password);
    if (!user) {
      await this.transactions.run(() =>
        this.audit.record({ action: 'auth.login.failed', resourceType: 'user', tenantId: null, actorId: null, newValue: { login: dto.login.slice(0, 254), reason: 'unknown-user' } }),
      );
      throw INVALID_CREDENTIALS();
    }
    const lockedUntil = this.lockout.lockedUntil(user);
    if (lockedUntil) {
      await this.lockout.recordAttemptWhileLocked(user);
      // Only the holder of the right password learns that the account is locked (and until when).
      if (!passwordOk) throw INVALID_CREDENTIALS();
      throw this.lockout.lockedError(lockedUntil);
    }
    if (!passwordOk) {
      await this.lockout.recordFailure(user);
      throw INVALID_CREDENTIALS();
    }
    await this.assertMayAct(user);
    return this.transactions.run(async () => {
      await this.users.recordLogin(user.id);
      const { pair, sessionId } = await this.tokens.startSession(user, device);
      await this.audit.record({ action: 'auth.login', resourceType: 'session', resourceId: sessionId, tenantId: user.tenantId, actorId: user.id });
      return pair;
    });
  }

  /** Signs a user in without a password (OIDC): a new session for an already-verified identity, in the caller's transaction. */
  async startSessionFor(user: UserAccount, device: DeviceInfo, method: string): Promise<TokenPairDto> {
    await this.assertMayAct(user);
    await this.users.recordLogin(user.id);
    const { pair, sessionId } = await this.tokens.startSession(user, device);
    await this.audit.record({ action: 'auth.login', resourceType: 'session', resourceId: sessionId, tenantId: user.tenantId, actorId: user.id, newValue: { method } });
    return pair;
  }

  /** Blocked or disabled users, and users of a disabled tenant, may not sign in. */
  private async assertMayAct(user: UserAccount): Promise<void> {
    if (user.refusal === 'blocked') throw AppException.forbidden('The account is blocked.', 'account-blocked');
    if (user.refusal === 'disabled') throw AppException.forbidden('The account is disabled.', 'account-disabled');
    if (!(await this.tenants.isActive(user.tenantId))) throw AppException.forbidden('The tenant is disabled.', 'tenant-disabled');
  }
}
