import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../common/auth/principal';
import { AppException } from '../common/errors/app.exception';
import { Transactions } from '../common/database/transactions';
import { Page, decodeCursor, toPage } from '../common/pagination/pagination';
import { ROLE_NAME, ROLE_PREFIX } from './access.constants';
import { AccessService } from './access.service';
import { AccessSyncService } from './access-sync.service';
import { toPolicyDto } from './access.mapper';
import { CasbinRuleRepository } from './casbin-rule.repository';
import { CheckPolicyDto, CreatePolicyDto, PolicyCheckDto, PolicyDto, PolicyQueryDto } from './dto/policy.dto';
import { MAX_INT4 } from '../common/pagination/pagination';
import { TenantEnforcers } from './tenant-enforcers';
import type { PolicyRule } from './tenant-policy';

type PolicyCursor = { id: number };
/** Policy ids are PostgreSQL integers (serial): a larger id in a cursor is a forgery. */
const isPolicyCursor = (v: Record<string, unknown>): v is PolicyCursor => Number.isInteger(v.id) && (v.id as number) > 0 && (v.id as number) <= MAX_INT4;

const describeRule = (rule: PolicyRule): string =>
  `policy ${rule.id} (${rule.subject} ${rule.effect === 'deny' ? 'may not' : 'may'} ${rule.action} ${rule.object})`;

/**
 * The policy admin API of a tenant: list, add, remove, and "may S do A on O, and why?". Only
 * platform admins add or remove rules naming a platform admin, or rules that lower one's rights.
 */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly rules: CasbinRuleRepository,
    private readonly enforcers: TenantEnforcers,
    private readonly sync: AccessSyncService,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  async list(tenantId: string, query: PolicyQueryDto): Promise<Page<PolicyDto>> {
    const afterId = query.cursor ? decodeCursor(query.cursor, isPolicyCursor).id : undefined;
    const rows = await this.rules.findPoliciesPage(tenantId, { subject: query.subject, object: query.object, effect: query.effect }, afterId, query.limit);
    return toPage(rows, query.limit, toPolicyDto, (r) => ({ id: r.id }));
  }

  async create(actor: Principal, dto: CreatePolicyDto): Promise<PolicyDto> {
    const tenantId = actor.tenantId;
    return this.transactions.run(async () => {
      await this.rules.lockTenant(tenantId);
      await this.access.assertMayNameSubject(actor, tenantId, dto.subject);
      if (dto.subject.startsWith(ROLE_PREFIX)) {
        const role = dto.subject.slice(ROLE_PREFIX.length);
        if (!ROLE_NAME.test(role) || !(await this.rules.roleExists(tenantId, role))) {
          throw AppException.invalidField('subject', `role "${role}" does not exist in this tenant: create it first`, 'unknownRole');
        }
      }
      const rule = { subject: dto.subject, object: dto.object, action: dto.action, effect: dto.effect };
      const existing = await this.rules.findSamePolicy(tenantId, rule);
      if (existing) throw AppException.conflict(`The same policy exists already (id ${existing.id}).`, 'policy-exists');
      const created = toPolicyDto(await this.access.sparingPlatformAdmins(actor, tenantId, () => this.rules.insertPolicy(tenantId, rule)));
      await this.audit.record({ action: 'policy.create', resourceType: 'policy', resourceId: String(created.id), newValue: created, tenantId });
      this.sync.afterCommit(tenantId);
      return created;
    });
  }

  async delete(actor: Principal, id: number): Promise<void> {
    const tenantId = actor.tenantId;
    await this.transactions.run(async () => {
      await this.rules.lockTenant(tenantId);
      const existing = await this.rules.findPolicyById(tenantId, id);
      if (!existing) throw AppException.notFound('Policy');
      await this.access.assertMayNameSubject(actor, tenantId, existing.subject);
      if (!(await this.access.sparingPlatformAdmins(actor, tenantId, () => this.rules.deletePolicyById(tenantId, id)))) throw AppException.notFound('Policy');
      await this.audit.record({ action: 'policy.delete', resourceType: 'policy', resourceId: String(id), oldValue: toPolicyDto(existing), tenantId });
      this.sync.afterCommit(tenantId);
    });
  }

  /** Evaluates the request against the tenant's committed rules and names the rule that decided. */
  async check(tenantId: string, dto: CheckPolicyDto): Promise<PolicyCheckDto> {
    const policy = await this.enforcers.get(tenantId);
    const { allowed, rule } = policy.explain(dto.subject, dto.object, dto.action);
    if (!rule) {
      return { allowed, decidedBy: null, reason: `no policy allows ${dto.subject} to ${dto.action} ${dto.object}: denied by default` };
    }
    let reason = `${allowed ? 'allowed' : 'denied'} by ${describeRule(rule)}`;
    if (rule.subject !== dto.subject) reason += `, which applies through ${rule.subject}`;
    if (!allowed) reason += '; a deny wins over any allow';
    return { allowed, decidedBy: toPolicyDto(rule), reason };
  }
}
