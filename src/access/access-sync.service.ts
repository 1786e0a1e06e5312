import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../common/config/app-config';
import { Transactions } from '../common/database/transactions';
import { DomainEvents } from '../common/events/domain-events';
import { REDIS, isRedisReady, logConnectionOutages } from '../common/redis/redis.module';
import { TenantEnforcers } from './tenant-enforcers';

interface PolicyChange {
  tenantId: string;
  origin: string;
}

const isPolicyChange = (v: unknown): v is PolicyChange =>
  typeof v === 'object' && v !== null && typeof (v as PolicyChange).tenantId === 'string' && typeof (v as PolicyChange).origin === 'string';

/**
 * Keeps every node's enforcers current. After a commit that changed a tenant's
 * rules, this node rebuilds that tenant and, with Redis, publishes
 * `{tenantId, origin}` on `<REDIS_KEY_PREFIX>casbin`; every other node rebuilds
 * the same tenant when the message arrives (milliseconds later). The node that made the change
 * also publishes `access.rules-changed` on the domain event bus, once the tenant is rebuilt, so that
 * what was granted under the old rules (sockets in live rooms) is checked again.
 */
@Injectable()
export class AccessSyncService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AccessSyncService.name);
  /** This node, so that it skips its own messages. */
  readonly origin = randomUUID();
  readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    private readonly enforcers: TenantEnforcers,
    private readonly transactions: Transactions,
    private readonly events: DomainEvents,
    @Inject(REDIS) private readonly redis: Redis | null,
    config: AppConfig,
  ) {
    this.channel = `${config.env.REDIS_KEY_PREFIX}casbin`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    const subscriber = this.redis.duplicate({ connectionName: 'collab-backend-casbin' });
    this.subscriber = subscriber;
    logConnectionOutages(subscriber, 'collab-backend-casbin');
    let connectedBefore = false;
    subscriber.on('ready', () => {
      // After a reconnect, changes published while we were away are lost: start from the database again.
      if (connectedBefore) this.enforcers.clear();
      connectedBefore = true;
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    await subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber && subscriber.status !== 'end') await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Once the current transaction commits: rebuild the tenant here and tell the other nodes. Nothing happens on rollback. */
  afterCommit(tenantId: string): void {
    this.transactions.afterCommit(() => this.changed(tenantId));
  }

  /** The tenant's rules changed (committed): rebuild here, then tell the other nodes. */
  async changed(tenantId: string): Promise<void> {
    this.enforcers.refresh(tenantId);
    this.events.emit('access.rules-changed', { tenantId });
    if (!this.redis) return;
    if (!isRedisReady(this.redis)) {
      // Publishing would wait in the offline queue, and the request that made the change with it.
      // The other nodes reload every tenant from the database when their subscriber reconnects.
      this.logger.warn({ msg: 'Redis unavailable: a policy change was not published; other nodes keep their old rules for this tenant until they reconnect to Redis', tenantId });
      return;
    }
    const change: PolicyChange = { tenantId, origin: this.origin };
    try {
      await this.redis.publish(this.channel, JSON.stringify(change));
    } catch (err) {
      this.logger.error({ msg: 'could not publish a policy change; other nodes keep their old rules for this tenant', tenantId, err });
    }
  }

  private receive(message: string): void {
    let change: unknown;
    try {
      change = JSON.parse(message);
    } catch {
      change = undefined;
    }
    if (!isPolicyChange(change)) {
      this.logger.warn({ msg: 'ignored a malformed policy change message' });
      return;
    }
    if (change.origin === this.origin) return;
    this.enforcers.refresh(change.tenantId);
  }
}
