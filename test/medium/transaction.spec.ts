import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { OUTSIDE_TRANSACTION, DatabaseModule } from '../../src/common/database/database.module';
import { EMBEDDED_POOL_SIZE } from '../../src/common/database/embedded-postgres';
import { Transactions } from '../../src/common/database/transactions';
import { DomainEvents, OnDomainEvent } from '../../src/common/events/domain-events';
import { EventsModule } from '../../src/common/events/events.module';
import { TestDatabase, createTestDatabase } from '../helpers/test-database';
import { testConfig } from '../helpers/test-env';

declare module '../../src/common/events/domain-events' {
  interface DomainEventMap {
    'probe.inserted': { n: number };
  }
}

/** A repository as the modules write them: no manager parameter, it joins whatever transaction is open. */
@Injectable()
class ProbeRepository {
  constructor(private readonly transactions: Transactions) {}

  async insert(n: number): Promise<void> {
    await this.transactions.manager.query('INSERT INTO tx_probe VALUES ($1)', [n]);
  }

  async count(): Promise<number> {
    const rows: Array<{ n: number }> = await this.transactions.manager.query('SELECT count(*)::int AS n FROM tx_probe');
    return rows[0].n;
  }
}

@Injectable()
class ProbeListener {
  readonly seen: Array<{ n: number; committedRows: number }> = [];

  constructor(private readonly dataSource: DataSource) {}

  @OnDomainEvent('probe.inserted')
  async inserted({ n }: { n: number }): Promise<void> {
    const rows: Array<{ c: number }> = await this.dataSource.query('SELECT count(*)::int AS c FROM tx_probe');
    this.seen.push({ n, committedRows: rows[0].c });
  }
}

const until = async (probe: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

/**
 * Transactions in async context on a real database (the embedded one with its single connection,
 * or PostgreSQL): repositories join the caller's transaction without a manager being passed,
 * after-commit work and domain events wait for COMMIT, and a query that would take a second
 * connection while a transaction is open is refused at once instead of deadlocking PGlite.
 */
describe('Transactions and domain events', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let transactions: Transactions;
  let repo: ProbeRepository;
  let listener: ProbeListener;
  let events: DomainEvents;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.embedded ? { DATABASE_POOL_SIZE: EMBEDDED_POOL_SIZE } : {});
    moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot(config, db.url), EventsModule],
      providers: [ProbeRepository, ProbeListener],
    }).compile();
    await moduleRef.init();
    transactions = moduleRef.get(Transactions);
    repo = moduleRef.get(ProbeRepository);
    listener = moduleRef.get(ProbeListener);
    events = moduleRef.get(DomainEvents);
    dataSource = moduleRef.get(DataSource);
    await dataSource.query('CREATE TABLE tx_probe (n int)');
  });
  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  it('commits together and runs after-commit hooks only after COMMIT', async () => {
    const seen: number[] = [];
    await transactions.run(async () => {
      await repo.insert(1);
      transactions.afterCommit(async () => seen.push(Number((await dataSource.query('SELECT count(*) AS n FROM tx_probe'))[0].n)));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1]);
  });

  it('rolls back everything and skips hooks when the work fails', async () => {
    const hook = jest.fn();
    await expect(
      transactions.run(async () => {
        await repo.insert(2);
        transactions.afterCommit(hook);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(hook).not.toHaveBeenCalled();
    expect(await dataSource.query('SELECT n FROM tx_probe ORDER BY n')).toEqual([{ n: 1 }]);
  });

  it('lets a nested run join the outer transaction: its writes roll back with it', async () => {
    await expect(
      transactions.run(async () => {
        await transactions.run(() => repo.insert(3));
        expect(await repo.count()).toBe(2); // the outer transaction sees the inner write
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await repo.count()).toBe(1);
  });

  it('fails fast, instead of deadlocking the embedded database, on a query outside the open transaction', async () => {
    await expect(
      transactions.run(async () => {
        await repo.insert(4);
        await dataSource.query('SELECT 1');
      }),
    ).rejects.toThrow(OUTSIDE_TRANSACTION);
    expect(await repo.count()).toBe(1);
    // The guard only bites inside a transaction: the same query outside one runs.
    expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('delivers a domain event after COMMIT, never after a rollback, and at once outside a transaction', async () => {
    listener.seen.length = 0;
    await transactions.run(async () => {
      await repo.insert(5);
      events.emit('probe.inserted', { n: 5 });
    });
    await until(() => listener.seen.length === 1);
    // The listener ran after COMMIT: a query of its own, on another connection, sees the row (inside the
    // transaction that query would have been refused, and would not have seen it).
    expect(listener.seen).toEqual([{ n: 5, committedRows: 2 }]);

    await expect(
      transactions.run(async () => {
        events.emit('probe.inserted', { n: 6 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // A sentinel emitted after the rollback: once it arrived, the rolled-back event would have too.
    events.emit('probe.inserted', { n: 7 });
    await until(() => listener.seen.length === 2);
    expect(listener.seen.map((e) => e.n)).toEqual([5, 7]);
  });
});
