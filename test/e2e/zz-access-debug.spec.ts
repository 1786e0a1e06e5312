import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessService } from '../../src/access/access.service';
import { transaction } from '../../src/common/database/transaction';
import { startTestApp } from '../helpers/test-app';

it('getUserRoles in a tx', async () => {
  const app = await startTestApp();
  const access = app.app.get(AccessService);
  const ds = app.app.get(DataSource);
  const t = randomUUID();
  await transaction(ds, (tx) => access.seedTenant(tx, t));
  const fresh = randomUUID();
  const roles = await transaction(ds, async (tx) => {
    await tx.manager.query('SELECT 1');
    await access.setUserRole(tx, fresh, randomUUID(), 'admin').catch(() => undefined);
    return access.getUserRoles(t, randomUUID());
  });
  process.stderr.write(`roles ${JSON.stringify(roles)}\n`);
  await app.close();
}, 20000);
