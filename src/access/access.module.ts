import { Module } from '@nestjs/common';
import { AccessSyncService } from './access-sync.service';
import { AccessService } from './access.service';
import { CasbinRuleRepository } from './casbin-rule.repository';
import { PoliciesController } from './policies.controller';
import { PoliciesService } from './policies.service';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';
import { TenantEnforcers } from './tenant-enforcers';

/**
 * Casbin authorization: per-tenant enforcers loaded from `casbin_rule`, kept in
 * step across nodes through Redis, and the tenant admin API for policies and roles.
 * Depends only on the shared layer (database, Redis, config, audit).
 */
@Module({
  controllers: [PoliciesController, RolesController],
  providers: [CasbinRuleRepository, TenantEnforcers, AccessSyncService, AccessService, PoliciesService, RolesService],
  exports: [AccessService],
})
export class AccessModule {}
