// Every configuration key is documented in docs/configuration.md, in a table row "| `key` |"
// under its section's heading ("## `[server]`", "## `[sites.<id>]`"), and every documented key
// exists. Walks the schema, so sections and keys added later are checked without editing this file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { configSchema, sectionSchemas, siteSchema } from '../../src/config/schema.js';
import { unwrap } from '../../src/config/schema-shape.js';

const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** Section name ("server", "sites.<id>") -> the keys its tables document. */
function documentedSections(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^##\s+`\[([^\]]+)\]`/.exec(line);
    if (heading?.[1]) {
      current = [];
      sections.set(heading[1], current);
    } else if (/^##?\s/.test(line)) {
      current = undefined;
    } else {
      const row = /^\|\s*`([^`]+)`\s*\|/.exec(line);
      if (row?.[1] && current) current.push(row[1]);
    }
  }
  return sections;
}

/** The keys of a table schema; a nested table's keys are written "outer.inner". */
function keysOf(schema: z.ZodType, prefix = ''): string[] {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodObject)) return [];
  return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([key, field]) => {
    const nested = keysOf(field, `${prefix}${key}.`);
    return nested.length ? nested : [`${prefix}${key}`];
  });
}

const documented = documentedSections(docs);
const schemas: Array<[string, z.ZodType]> = [...Object.entries(sectionSchemas), ['sites.<id>', siteSchema]];

describe('docs/configuration.md', () => {
  test('every top-level section is registered in sectionSchemas (so overrides and these checks see it)', () => {
    const top = Object.keys(configSchema.shape).filter((k) => k !== 'sites');
    assert.deepEqual(top.sort(), Object.keys(sectionSchemas).sort());
  });

  for (const [section, schema] of schemas) {
    test(`[${section}]: every key has a row in its table, and every row is a key`, () => {
      const rows = documented.get(section);
      assert.ok(rows, `docs/configuration.md has no heading "## \`[${section}]\`"`);
      const keys = keysOf(schema);
      assert.ok(keys.length > 0, `[${section}] has keys`);
      const undocumented = keys.filter((k) => !rows.includes(k));
      assert.deepEqual(undocumented, [], `add a row "| \`key\` | default | meaning |" under [${section}] for each`);
      const stale = rows.filter((r) => !keys.includes(r));
      assert.deepEqual(stale, [], `rows under [${section}] that name no key of the schema`);
    });
  }

  test('the parser finds rows (guards this test against a format change)', () => {
    const parsed = documentedSections('## `[a]`\n\n| key | d |\n|---|---|\n| `x` | 1 |\n## Other\n| `y` | 2 |\n');
    assert.deepEqual([...parsed.entries()], [['a', ['x']]]);
  });
});
