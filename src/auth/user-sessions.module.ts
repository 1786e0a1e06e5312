import { Global, Injectable, Module } from '@nestjs/common';
import { UserSessions } from '../common/auth/user-sessions';
import { TokensRepository } from './tokens.repository';

@Injectable()
class RefreshTokenSessions extends UserSessions {
  constructor(private readonly tokens: TokensRepository) {
    super();
  }

  revokeAll(tenantId: string, userId: string, reason: string): Promise<number> {
    return this.tokens.revokeAllFamilies(tenantId, userId, reason);
  }
}

/**
 * Provides UserSessions to every module (global: the users module, which the auth module
 * imports, ends a user's sessions without importing the auth module back).
 */
@Global()
@Module({
  providers: [TokensRepository, { provide: UserSessions, useClass: RefreshTokenSessions }],
  exports: [UserSessions],
})
export class UserSessionsModule {}
