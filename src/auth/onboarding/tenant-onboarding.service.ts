import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { Transactions } from '../../common/database/transactions';
import { AppException } from '../../common/errors/app.exception';
import { TenantsService } from '../../tenants/tenants.service';
import { UsersService } from '../../users/users.service';
import { TenantInvitationsService } from '../invitations/tenant-invitations.service';
import { CreateTenantWithAdminDto, CreatedTenantDto } from './tenant-onboarding.dto';

/** A new tenant and its first admin (an account, or an invitation), all or nothing. */
@Injectable()
export class TenantOnboardingService {
  constructor(
    private readonly transactions: Transactions,
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly invitations: TenantInvitationsService,
  ) {}

  async create(principal: Principal, dto: CreateTenantWithAdminDto): Promise<CreatedTenantDto> {
    const { admin, ...tenantFields } = dto;
    if (admin?.password !== undefined && admin.username === undefined) {
      throw AppException.invalidField('admin.username', 'admin.username is required with admin.password', 'isDefined');
    }
    return this.transactions.run(async () => {
      const tenant = await this.tenants.create(tenantFields);
      if (!admin) return { ...tenant, admin: null, adminInvitation: null };
      if (admin.password !== undefined) {
        const user = await this.users.create({
          tenantId: tenant.id, email: admin.email, username: admin.username!, password: admin.password, displayName: admin.displayName, tenantRole: 'admin',
        });
        return { ...tenant, admin: await this.users.get(tenant.id, user.id), adminInvitation: null };
      }
      const invitation = await this.invitations.create(principal, { email: admin.email, role: 'admin' }, tenant.id);
      return { ...tenant, admin: null, adminInvitation: invitation };
    });
  }
}
