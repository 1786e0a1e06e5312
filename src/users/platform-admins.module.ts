import { Global, Injectable, Module } from '@nestjs/common';
import { PlatformAdmins } from '../common/auth/platform-admins';
import { UsersRepository } from './users.repository';

@Injectable()
class PlatformAdminDirectory extends PlatformAdmins {
  constructor(private readonly users: UsersRepository) {
    super();
  }

  idsIn(tenantId: string): Promise<string[]> {
    return this.users.findPlatformAdminIds(tenantId);
  }
}

/**
 * Provides PlatformAdmins to every module (global: the access module, which the users module
 * imports, asks it without importing the users module back).
 */
@Global()
@Module({
  providers: [UsersRepository, { provide: PlatformAdmins, useClass: PlatformAdminDirectory }],
  exports: [PlatformAdmins],
})
export class PlatformAdminsModule {}
