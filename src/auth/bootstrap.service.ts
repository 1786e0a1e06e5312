import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../common/config/app-config';
import { Transactions } from '../common/database/transactions';
import { TenantsService } from '../tenants/tenants.service';
import { UsersService } from '../users/users.service';

const BOOTSTRAP_LOCK_ID = 727_361_943;

/**
 * First start: the default tenant and a platform admin (ADMIN_EMAIL / ADMIN_USERNAME /
 * ADMIN_PASSWORD, the password generated and printed once when unset). Nodes starting
 * together serialise on an advisory lock, so this happens once.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.transactions.run(async () => {
      await this.transactions.advisoryLock(BOOTSTRAP_LOCK_ID);
      const tenantId = await this.tenants.ensureDefaultTenant();
      if (await this.users.platformAdminExists()) return;
      const generated = this.config.env.ADMIN_PASSWORD === undefined;
      const password = this.config.env.ADMIN_PASSWORD ?? `${randomBytes(12).toString('base64url')}-A1`;
      const admin = await this.users.create({
        tenantId,
        email: this.config.env.ADMIN_EMAIL,
        username: this.config.env.ADMIN_USERNAME,
        password,
        displayName: 'Administrator',
        role: 'admin',
        tenantRole: 'admin',
        emailVerified: true,
      });
      this.transactions.afterCommit(() => {
        if (generated) {
          // Printed once, on stdout rather than the log pipeline: it is shown to the operator, never stored.
          process.stdout.write(
            `\n  Platform admin created: login "${admin.username}" (${admin.email}), password: ${password}\n  Change it after signing in; it is not shown again.\n\n`,
          );
        } else {
          this.logger.log(`platform admin "${admin.username}" created from ADMIN_EMAIL / ADMIN_PASSWORD`);
        }
      });
    });
  }
}
