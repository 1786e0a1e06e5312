/**
 * Casbin enforce latency at scale: 1,000 tenants x 100 policies (plus 50 role
 * links each) in an embedded PGlite, enforced the way AccessService.enforce
 * does it (one enforcer per tenant, loaded lazily, kept in an LRU).
 *
 * Run:
 *   npx tsc -p tsconfig.json --outDir /tmp/bench-out && NODE_PATH=$PWD/node_modules node /tmp/bench-out/bench/casbin-enforce.js
 * (NODE_PATH: the compiled file lives outside the repository, so it must be told where node_modules is.)
 * Options (environment): BENCH_TENANTS (1000), BENCH_POLICIES (100), BENCH_WARM_OPS (200000),
 * BENCH_SINGLE=0 to skip the "one enforcer for every tenant" comparison.
 */
import { Logger } from '@nestjs/common';
import { newEnforcer, newModelFromString } from 'casbin';
import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { AccessSyncService } from '../src/access/access-sync.service';
import { ACCESS_ACTIONS, ACCESS_OBJECTS, DEFAULT_ROLE_POLICIES, DEFAULT_TENANT_ROLES } from '../src/access/access.constants';
import { PlatformAdmins } from '../src/common/auth/platform-admins';
import { AccessService } from '../src/access/access.service';
import { CasbinRuleRepository } from '../src/access/casbin-rule.repository';
import { TenantEnforcers } from '../src/access/tenant-enforcers';
import { CASBIN_MODEL } from '../src/access/tenant-policy';
import type { Principal } from '../src/common/auth/principal';
import { AppConfig } from '../src/common/config/app-config';
import { dataSourceOptions } from '../src/common/database/data-source-options';
import { EmbeddedPostgres } from '../src/common/database/embedded-postgres';
import { runMigrations } from '../src/common/database/migrator';
import type { Transactions } from '../src/common/database/transactions';
import type { DomainEvents } from '../src/common/events/domain-events';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const POLICIES = Number(process.env.BENCH_POLICIES ?? 100);
const LINKS = 50;
const WARM_OPS = Number(process.env.BENCH_WARM_OPS ?? 200_000);
const COLD_TENANTS = Math.min(300, TENANTS);

type Row = [string, string, string, string | null, string | null, string | null];

interface Tenant {
  id: string;
  users: string[];
}

function percentile(sortedNs: bigint[], p: number): number {
  const i = Math.min(sortedNs.length - 1, Math.floor((p / 100) * sortedNs.length));
  return Number(sortedNs[i]) / 1000; // µs
}

function report(label: string, samplesNs: bigint[], totalNs?: bigint): void {
  const sorted = [...samplesNs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const total = totalNs ?? samplesNs.reduce((s, x) => s + x, 0n);
  const opsPerSec = (samplesNs.length / Number(total)) * 1e9;
  console.log(
    `${label.padEnd(48)} n=${String(samplesNs.length).padStart(7)}  ops/s=${Math.round(opsPerSec).toLocaleString('en').padStart(10)}  ` +
      `p50=${percentile(sorted, 50).toFixed(1).padStart(8)} µs  p99=${percentile(sorted, 99).toFixed(1).padStart(8)} µs  max=${percentile(sorted, 100).toFixed(1).padStart(8)} µs`,
  );
}

/** One tenant's rows: the default roles and policies, custom rules up to POLICIES, and role / group links. */
function tenantRows(tenant: Tenant): Row[] {
  const rows: Row[] = [];
  let policies = 0;
  for (const role of DEFAULT_TENANT_ROLES) {
    rows.push(['role', `role:${role}`, tenant.id, 'built-in', null, null]);
    for (const [object, action] of DEFAULT_ROLE_POLICIES[role]) {
      rows.push(['p', `role:${role}`, tenant.id, object, action, 'allow']);
      policies++;
    }
  }
  const groups = [randomUUID(), randomUUID(), randomUUID()];
  for (let i = 0; policies < POLICIES; i++, policies++) {
    const subject = i % 3 === 0 ? `group:${groups[i % groups.length]}` : `user:${tenant.users[i % tenant.users.length]}`;
    const object = ACCESS_OBJECTS[i % ACCESS_OBJECTS.length];
    const action = ACCESS_ACTIONS[(i >> 2) % ACCESS_ACTIONS.length];
    rows.push(['p', subject, tenant.id, object, action, i % 7 === 0 ? 'deny' : 'allow']);
  }
  for (let i = 0; i < LINKS; i++) {
    const user = `user:${tenant.users[i % tenant.users.length]}`;
    const parent = i % 2 === 0 ? `role:${DEFAULT_TENANT_ROLES[i % 3]}` : `group:${groups[i % groups.length]}`;
    rows.push(['g', user, tenant.id, parent, null, null]);
  }
  return rows;
}

async function seed(dataSource: DataSource, tenants: Tenant[]): Promise<number> {
  let batch: Row[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`).join(', ');
    await dataSource.query(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ${values}`, batch.flat());
    count += batch.length;
    batch = [];
  };
  for (const tenant of tenants) {
    batch.push(...tenantRows(tenant));
    if (batch.length >= 1500) await flush();
  }
  await flush();
  await dataSource.query('ANALYZE casbin_rule');
  return count;
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const embedded = await EmbeddedPostgres.start();
  const dataSource = await new DataSource({ ...dataSourceOptions(config, embedded.url), logger: undefined, maxQueryExecutionTime: undefined }).initialize();
  try {
    await runMigrations(dataSource);
    const tenants: Tenant[] = Array.from({ length: TENANTS }, () => ({ id: randomUUID(), users: Array.from({ length: 25 }, () => randomUUID()) }));
    let t0 = process.hrtime.bigint();
    const rows = await seed(dataSource, tenants);
    console.log(`seeded ${TENANTS} tenants x ${POLICIES} policies (+${LINKS} links, 3 roles each): ${rows.toLocaleString('en')} rows in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
    console.log(`node ${process.version}, PGlite (embedded, in memory)\n`);

    // Outside Nest: no transaction is ever open here, so the data source's manager stands in for Transactions.
    const outsideTransactions = {
      manager: dataSource.manager,
      active: false,
      repository: <E extends ObjectLiteral>(entity: EntityTarget<E>) => dataSource.manager.getRepository(entity),
      afterCommit: (hook: () => unknown) => void hook(),
      run: <T>(fn: () => Promise<T>) => fn(),
    } as unknown as Transactions;
    const repository = new CasbinRuleRepository(outsideTransactions);
    // Only rule changes ask who the platform admins are; the benchmark enforces only.
    const noPlatformAdmins: PlatformAdmins = { idsIn: () => Promise.resolve([]) };
    const enforcers = new TenantEnforcers(repository, outsideTransactions);
    const noEvents = { emit: () => undefined } as unknown as DomainEvents; // nothing listens here
    const access = new AccessService(outsideTransactions, repository, enforcers, new AccessSyncService(enforcers, outsideTransactions, noEvents, null, config), noPlatformAdmins);
    const principalOf = (tenant: Tenant, i: number): Principal => ({ tenantId: tenant.id, userId: tenant.users[i % tenant.users.length], role: 'user', via: 'access-token' });
    const request = (i: number): [string, string] => [ACCESS_OBJECTS[i % ACCESS_OBJECTS.length], ACCESS_ACTIONS[i % ACCESS_ACTIONS.length]];

    // Cold: the first request of a tenant loads its rows (one indexed SELECT) and builds its enforcer.
    const cold: bigint[] = [];
    for (let i = 0; i < COLD_TENANTS; i++) {
      const [object, action] = request(i);
      const start = process.hrtime.bigint();
      await access.enforce(principalOf(tenants[i], i), object, action);
      cold.push(process.hrtime.bigint() - start);
    }
    report(`cold: first request of a tenant (${COLD_TENANTS} tenants)`, cold);

    // Evaluation: what Casbin costs when the decision is not remembered yet (100 rules of one tenant).
    const hot = tenants[0];
    const hotPolicy = await enforcers.get(hot.id);
    const evaluate: bigint[] = [];
    let allowed = 0;
    for (let i = 0; i < 20_000; i++) {
      const [object, action] = request(i);
      const start = process.hrtime.bigint();
      if (hotPolicy.enforce(`user:${hot.users[i % hot.users.length]}`, object, action)) allowed++;
      evaluate.push(process.hrtime.bigint() - start);
    }
    report('evaluate: one tenant, decision not cached', evaluate);

    // Warm, one tenant: the steady state of a busy tenant (AccessService.enforce, decisions remembered).
    const warm: bigint[] = new Array(WARM_OPS);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < WARM_OPS; i++) {
      const [object, action] = request(i);
      const start = process.hrtime.bigint();
      await access.enforce(principalOf(hot, i), object, action);
      warm[i] = process.hrtime.bigint() - start;
    }
    report('warm: one tenant', warm, process.hrtime.bigint() - t0);

    // Warm, every tenant in memory, requests spread over all of them.
    for (const tenant of tenants) await enforcers.get(tenant.id);
    const spread: bigint[] = new Array(WARM_OPS);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < WARM_OPS; i++) {
      const [object, action] = request(i);
      const tenant = tenants[(i * 7919) % tenants.length];
      const start = process.hrtime.bigint();
      await access.enforce(principalOf(tenant, i), object, action);
      spread[i] = process.hrtime.bigint() - start;
    }
    report(`warm: random tenant of ${TENANTS} (all loaded)`, spread, process.hrtime.bigint() - t0);
    const spreadAgain: bigint[] = new Array(WARM_OPS);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < WARM_OPS; i++) {
      const [object, action] = request(i);
      const tenant = tenants[(i * 7919) % tenants.length];
      const start = process.hrtime.bigint();
      await access.enforce(principalOf(tenant, i), object, action);
      spreadAgain[i] = process.hrtime.bigint() - start;
    }
    report(`warm: same ${WARM_OPS.toLocaleString('en')} requests again`, spreadAgain, process.hrtime.bigint() - t0);
    console.log(`(allowed ${((allowed / 20_000) * 100).toFixed(0)}% of the evaluated requests; ${enforcers.loadedTenants} enforcers in memory, heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MiB)`);

    // Reload after a change: what a tenant pays once per policy change.
    const reload: bigint[] = [];
    for (let i = 0; i < 100; i++) {
      const tenant = tenants[i];
      enforcers.refresh(tenant.id);
      const start = process.hrtime.bigint();
      await access.enforce(principalOf(tenant, i), 'rooms', 'read');
      reload.push(process.hrtime.bigint() - start);
    }
    report('reload: first request after a change', reload);

    if (process.env.BENCH_SINGLE !== '0') {
      // For comparison: one enforcer holding every tenant's rules (what per-tenant enforcers avoid).
      const all = (await dataSource.query(`SELECT ptype, v0, v1, v2, v3, v4 FROM casbin_rule WHERE ptype IN ('p', 'g') ORDER BY id`)) as Array<
        Record<'ptype' | 'v0' | 'v1' | 'v2' | 'v3' | 'v4', string>
      >;
      const single = await newEnforcer(newModelFromString(CASBIN_MODEL));
      const pRules = all.filter((r) => r.ptype === 'p').map((r) => [r.v0, r.v1, r.v2, r.v3, r.v4]);
      const gRules = [...new Map(all.filter((r) => r.ptype === 'g').map((r) => [`${r.v0} ${r.v2} ${r.v1}`, [r.v0, r.v2, r.v1]])).values()];
      single.getModel().addPolicies('p', 'p', pRules);
      single.getModel().addPolicies('g', 'g', gRules);
      await single.buildRoleLinks();
      const samples: bigint[] = [];
      for (let i = 0; i < 50; i++) {
        const [object, action] = request(i);
        const start = process.hrtime.bigint();
        single.enforceSync(`user:${hot.users[i % hot.users.length]}`, hot.id, object, action);
        samples.push(process.hrtime.bigint() - start);
      }
      report(`comparison: one enforcer, all ${pRules.length.toLocaleString('en')} policies`, samples);
    }
  } finally {
    await dataSource.destroy();
    await embedded.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
