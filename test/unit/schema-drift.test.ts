// The two Prisma schemas (one per provider, because Prisma wants the provider as a literal) must
// describe the same model, and each provider must have the same migrations, so that the queries
// written once in src/db (Kysely, over src/db/tables.ts) mean the same thing on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

const providers = ['sqlite', 'postgresql'] as const;
const prismaDir = new URL('../../prisma/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, prismaDir), 'utf8');

/** The schema without what legitimately differs: the header comment, the generator's output and the provider. */
function comparable(schema: string): string {
  const lines = schema.split('\n');
  let start = 0;
  while (start < lines.length && /^\s*(\/\/.*)?$/.test(lines[start] ?? '')) start++;
  return lines
    .slice(start)
    .filter((line) => !/^\s*output\s*=/.test(line) && !/^\s*provider\s*=\s*"(sqlite|postgresql)"\s*$/.test(line))
    .join('\n');
}

/** The schema without its comments and generator blocks: what the database is made of. */
const withoutGenerators = (schema: string) =>
  schema
    .replace(/^generator \w+ \{[^}]*\}\n/gm, '')
    .split('\n')
    .filter((line) => !/^\s*\/\/(?!\/)/.test(line))
    .join('\n')
    .trim();

const migrationNames = (provider: string) =>
  readdirSync(new URL(`${provider}/migrations/`, prismaDir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe('Prisma schemas and migrations per provider', () => {
  test('the schemas are identical apart from the header, generator output and datasource provider', () => {
    const [sqlite, postgresql] = providers.map((p) => comparable(read(`${p}/schema.prisma`)));
    assert.ok(sqlite && sqlite.includes('model Comment'), 'the comparison still sees the models');
    assert.equal(sqlite, postgresql);
  });

  test('the migration comparison ignores generators and comments, not the model', () => {
    const base = read('sqlite/schema.prisma');
    assert.ok(!withoutGenerators(base).includes('generator'));
    assert.equal(withoutGenerators(base), withoutGenerators(base.replace('generator kysely {', '// note\ngenerator other {')));
    assert.notEqual(withoutGenerators(base), withoutGenerators(base.replace('model Comment {', 'model Comment {\n  extra Int?')));
  });

  test('the comparison ignores only those lines', () => {
    const base = read('sqlite/schema.prisma');
    assert.notEqual(comparable(base), comparable(base.replace('model Comment {', 'model Comment {\n  extra Int?')));
    assert.notEqual(comparable(base), comparable(base.replace(/provider(\s*)= "prisma-kysely"/, 'provider$1= "prisma-client-js"')));
  });

  test('each provider has the same migrations, named NNNN_name', () => {
    const [sqlite, postgresql] = providers.map(migrationNames);
    assert.ok(sqlite && sqlite.length > 0);
    assert.deepEqual(sqlite, postgresql);
    for (const name of sqlite) assert.match(name, /^\d{4}_[a-z0-9_]+$/);
    assert.deepEqual(
      sqlite.map((n) => n.slice(0, 4)),
      sqlite.map((_, i) => String(i + 1).padStart(4, '0')),
      'numbered 0001, 0002, ... without gaps',
    );
  });

  for (const provider of providers) {
    test(`${provider}: the schema has no change left without a migration`, () => {
      // scripts/migration-diff.sh keeps a copy of the schema each migration leads to.
      const last = migrationNames(provider).at(-1);
      assert.ok(last);
      // Generator blocks (what is generated from the schema, e.g. the Kysely types) do not touch the database.
      assert.equal(
        withoutGenerators(read(`${provider}/migrations/${last}/schema.prisma`)),
        withoutGenerators(read(`${provider}/schema.prisma`)),
        `prisma/${provider}/schema.prisma changed after ${last}: run scripts/migration-diff.sh <name>`,
      );
    });
  }
});
