/**
 * Migration commands, on the same database the server would use (the embedded
 * PGlite under DATA_DIR when DATABASE_URL is unset):
 *
 *   npm run migration:show                # applied and pending migrations
 *   npm run migration:run                 # apply pending ones
 *   npm run migration:revert              # undo the last one
 *   npm run migration:generate -- AddRooms  # draft migrations/<timestamp>-AddRooms.ts from the entity diff
 *
 * Entities declare tables and columns; indexes, checks, foreign keys and triggers are written by hand
 * in the migration (see migrations/1795350000000-Identity.ts). The generator drafts table and column
 * changes only and leaves those alone. Review every draft; never edit a committed migration.
 *
 * Like the server, the commands read `.env` from the working directory.
 * Run `npm run build` first: the commands load the compiled entities and migrations.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/common/config/app-config';
import { loadEnvFile } from '../src/common/config/env-file';
import { dataSourceOptions } from '../src/common/database/data-source-options';
import { startEmbeddedDatabase } from '../src/common/database/embedded-snapshot';
import { revertLastMigration, runMigrations } from '../src/common/database/migrator';
import { restrictFileModes } from '../src/common/fs/private-files';

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  restrictFileModes(); // the embedded database's files, as the server would write them
  loadEnvFile(); // the same .env as the server
  const config = AppConfig.fromEnv();
  // On a fresh DATA_DIR, from the build's migrated snapshot as the server's first start would be.
  const embedded = config.embeddedDatabase ? (await startEmbeddedDatabase(config.dataDir)).embedded : undefined;
  const dataSource = await new DataSource(dataSourceOptions(config, embedded?.url ?? config.env.DATABASE_URL!)).initialize();
  try {
    switch (command) {
      case 'run': {
        const applied = await runMigrations(dataSource);
        console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'no pending migrations');
        break;
      }
      case 'revert':
        await revertLastMigration(dataSource);
        console.log('reverted the last migration');
        break;
      case 'show': {
        const executed = new Set(
          ((await dataSource.query('SELECT name FROM migrations ORDER BY id').catch(() => [])) as { name: string }[]).map((r) => r.name),
        );
        for (const m of dataSource.migrations) console.log(`${executed.has(m.name!) ? '[x]' : '[ ]'} ${m.name}`);
        break;
      }
      case 'generate':
        await generate(dataSource, name);
        break;
      default:
        throw new Error('usage: migrate run | revert | show | generate <Name>');
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

async function generate(dataSource: DataSource, name: string | undefined): Promise<void> {
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error('generate needs a PascalCase name, such as AddRooms');
  if (await dataSource.showMigrations()) throw new Error('apply the pending migrations first (npm run migration:run)');
  const sql = await dataSource.driver.createSchemaBuilder().log();
  // Indexes, constraints and triggers are written by hand in migrations (entities declare tables and
  // columns only); TypeORM would propose dropping them. Keep only the table and column changes.
  const handWritten = new Set<string>();
  for (const q of sql.upQueries) {
    const m = /^ALTER TABLE "[^"]+" DROP CONSTRAINT "([^"]+)"$/.exec(q.query) ?? /^DROP INDEX "[^"]+"\."([^"]+)"$/.exec(q.query);
    if (m) handWritten.add(m[1]);
  }
  const mentionsHandWritten = (q: { query: string }) => [...handWritten].some((name) => q.query.includes(`"${name}"`));
  sql.upQueries = sql.upQueries.filter((q) => !mentionsHandWritten(q));
  sql.downQueries = sql.downQueries.filter((q) => !mentionsHandWritten(q));
  if (sql.upQueries.length === 0) {
    console.log('the entities match the schema: nothing to generate');
    return;
  }
  const timestamp = Date.now();
  const q = (query: { query: string; parameters?: unknown[] }) =>
    `    await queryRunner.query(\`${query.query.replace(/`/g, '\\`')}\`${query.parameters?.length ? `, ${JSON.stringify(query.parameters)}` : ''});`;
  const source = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${sql.upQueries.map(q).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${sql.downQueries.reverse().map(q).join('\n')}
  }
}
`;
  const file = join(process.cwd(), 'migrations', `${timestamp}-${name}.ts`);
  writeFileSync(file, source);
  console.log(`wrote ${file}: review it before committing`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
