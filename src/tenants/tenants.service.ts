import { Injectable, Logger } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AuditService } from '../audit/audit.service';
import { SecretBox } from '../common/crypto/crypto';
import { EgressGuard } from '../common/egress/egress-guard';
import { EgressError } from '../common/egress/egress.error';
import { DomainEvents } from '../common/events/domain-events';
import { Transactions } from '../common/database/transactions';
import { AppException } from '../common/errors/app.exception';
import { Page, createdAtCursor, toPage } from '../common/pagination/pagination';
import { CreateTenantDto, TenantDto, TenantOidcInputDto, TenantQueryDto, UpdateTenantDto, toTenantDto } from './dto/tenant.dto';
import { TenantsRepository } from './tenants.repository';

/** What the OIDC login needs of a tenant's identity provider. */
export interface TenantOidcConfig {
  tenantId: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
}

@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly tenants: TenantsRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    private readonly events: DomainEvents,
    private readonly egress: EgressGuard,
  ) {}

  /** The tenant of single-organisation installs, created on first start (in the caller's transaction); its id. */
  async ensureDefaultTenant(): Promise<string> {
    const existing = await this.tenants.findDefault();
    if (existing) return existing.id;
    const tenant = await this.tenants.insert({ name: 'Default', slug: 'default', isDefault: true });
    await this.access.seedTenant(tenant.id);
    await this.audit.record({ action: 'tenant.create', resourceType: 'tenant', resourceId: tenant.id, tenantId: tenant.id, actorId: null, newValue: toTenantDto(tenant) });
    this.logger.log(`created the default tenant ${tenant.id}`);
    return tenant.id;
  }

  /** The id of the default tenant (where self-registered users land). */
  async getDefaultId(): Promise<string> {
    const tenant = await this.tenants.findDefault();
    if (!tenant) throw new Error('the default tenant is missing: the bootstrap did not run');
    return tenant.id;
  }

  /** 404 `Tenant not found` unless the tenant exists (a tenant named by a platform admin's request). */
  async assertExists(id: string): Promise<void> {
    if (!(await this.tenants.findById(id))) throw AppException.notFound('Tenant');
  }

  /** Whether the tenant exists and is not disabled. */
  async isActive(id: string): Promise<boolean> {
    const tenant = await this.tenants.findById(id);
    return tenant !== null && !tenant.disabledAt;
  }

  async get(id: string): Promise<TenantDto> {
    const tenant = await this.tenants.findById(id);
    if (!tenant) throw AppException.notFound('Tenant');
    return toTenantDto(tenant);
  }

  async list(query: TenantQueryDto): Promise<Page<TenantDto>> {
    return toPage(await this.tenants.findPage(query), query.limit, toTenantDto, createdAtCursor);
  }

  async create(dto: CreateTenantDto): Promise<TenantDto> {
    return this.transactions.run(async () => {
      if (await this.tenants.findBySlug(dto.slug)) {
        throw new AppException(409, 'slug-taken', { detail: `A tenant with slug "${dto.slug}" exists.`, errors: [{ field: 'slug', message: 'slug is taken', code: 'unique' }] });
      }
      const tenant = await this.tenants.insert({ name: dto.name, slug: dto.slug });
      await this.access.seedTenant(tenant.id);
      const out = toTenantDto(tenant);
      await this.audit.record({ action: 'tenant.create', resourceType: 'tenant', resourceId: tenant.id, tenantId: tenant.id, newValue: out });
      return out;
    });
  }

  async update(id: string, dto: UpdateTenantDto): Promise<TenantDto> {
    return this.transactions.run(async () => {
      const tenant = await this.tenants.lockById(id);
      if (!tenant) throw AppException.notFound('Tenant');
      const before = toTenantDto(tenant);
      if (dto.disabled === true && tenant.isDefault) throw AppException.conflict('The default tenant cannot be disabled.', 'default-tenant');
      if (dto.name !== undefined) tenant.name = dto.name;
      if (dto.disabled !== undefined) tenant.disabledAt = dto.disabled ? (tenant.disabledAt ?? new Date()) : null;
      const saved = toTenantDto(await this.tenants.save(tenant));
      const action = dto.disabled === true && !before.disabledAt ? 'tenant.disable' : dto.disabled === false && before.disabledAt ? 'tenant.enable' : 'tenant.update';
      await this.audit.record({ action, resourceType: 'tenant', resourceId: id, tenantId: id, oldValue: before, newValue: saved });
      if (action === 'tenant.disable') this.events.emit('tenant.disabled', { tenantId: id });
      return saved;
    });
  }

  async setOidc(id: string, dto: TenantOidcInputDto | null): Promise<TenantDto> {
    if (dto) await this.assertReachableIssuer(dto.issuer);
    return this.transactions.run(async () => {
      const tenant = await this.tenants.lockById(id);
      if (!tenant) throw AppException.notFound('Tenant');
      const before = toTenantDto(tenant);
      tenant.oidcIssuer = dto?.issuer.replace(/\/+$/, '') ?? null;
      tenant.oidcClientId = dto?.clientId ?? null;
      if (!dto) tenant.oidcClientSecretEnc = null;
      else if (dto.clientSecret !== undefined) tenant.oidcClientSecretEnc = this.secrets.encrypt(dto.clientSecret);
      const saved = toTenantDto(await this.tenants.save(tenant));
      await this.audit.record({ action: 'tenant.oidc.update', resourceType: 'tenant', resourceId: id, tenantId: id, oldValue: before, newValue: saved });
      return saved;
    });
  }

  /**
   * An issuer the server may not fetch (loopback, private, link-local, metadata addresses, unless
   * EGRESS_ALLOW permits them) is a 400 naming `issuer` now rather than a failed login later. A name
   * that does not resolve yet is accepted (split DNS, a provider set up later): logins check again, on
   * every connection.
   */
  private async assertReachableIssuer(issuer: string): Promise<void> {
    try {
      await this.egress.assertAllowed(issuer);
    } catch (err) {
      if (!(err instanceof EgressError)) throw err;
      if (err.failure === 'unresolvable') return;
      throw AppException.invalidField('issuer', `issuer must be reachable from the server: ${err.message}`, err.failure);
    }
  }

  /** The OIDC settings of an active tenant (by id or slug), client secret decrypted; null when it has none. */
  async getOidcConfig(idOrSlug: string): Promise<TenantOidcConfig | null> {
    const tenant = /^[0-9a-f-]{36}$/i.test(idOrSlug) ? await this.tenants.findById(idOrSlug) : await this.tenants.findBySlug(idOrSlug);
    if (!tenant || tenant.disabledAt || !tenant.oidcIssuer || !tenant.oidcClientId) return null;
    return {
      tenantId: tenant.id,
      issuer: tenant.oidcIssuer,
      clientId: tenant.oidcClientId,
      clientSecret: tenant.oidcClientSecretEnc ? this.secrets.decrypt(tenant.oidcClientSecretEnc) : null,
    };
  }
}
