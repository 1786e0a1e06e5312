import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/common/database/data-source-options';
import { installTransactionGuard, transaction } from '../../src/common/database/transaction';
import { TestDatabase, createTestDatabase } from '../helpers/test-database';
import { testConfig } from '../helpers/test-env';

describe('transaction()', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(testConfig(), db.url)).initialize();
    installTransactionGuard(ds);
    await ds.query('CREATE TABLE tx_probe (n int)');
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('commits together and runs after-commit hooks only after COMMIT', async () => {
    const seen: number[] = [];
    await transaction(ds, async (tx) => {
      await tx.manager.query('INSERT INTO tx_probe VALUES (1)');
      tx.afterCommit(async () => seen.push(Number((await ds.query('SELECT count(*) AS n FROM tx_probe'))[0].n)));
    });
    expect(seen).toEqual([1]);
  });

  it('rolls back everything and skips hooks when the work fails', async () => {
    const hook = jest.fn();
    await expect(
      transaction(ds, async (tx) => {
        await tx.manager.query('INSERT INTO tx_probe VALUES (2)');
        tx.afterCommit(hook);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(hook).not.toHaveBeenCalled();
    expect(await ds.query('SELECT n FROM tx_probe ORDER BY n')).toEqual([{ n: 1 }]);
  });

  it('fails fast, instead of deadlocking PGlite, on a query outside the open transaction', async () => {
    await expect(
      transaction(ds, async (tx) => {
        await tx.manager.query('INSERT INTO tx_probe VALUES (3)');
        await ds.query('SELECT 1');
      }),
    ).rejects.toThrow(/outside the open transaction/);
    expect(await ds.query('SELECT count(*)::int AS n FROM tx_probe')).toEqual([{ n: 1 }]);
  });
});
