// Loading the configuration: file, zero-config default, environment overrides and the messages
// a person sees when something is wrong (each must name the key and say how to fix it).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { configFilePath, loadConfig, type LoadOptions } from '../../src/config/load.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'epistle-config-'));
  dirs.push(dir);
  return dir;
}

const minimalSite = `[sites.demo]
name = "Demo"
origins = ["http://localhost:8080"]
`;

/** Writes `text` as epistle.toml in a fresh folder and loads it with only the given variables. */
function load(text: string, env: Record<string, string> = {}, options: Partial<LoadOptions> = {}) {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'epistle.toml'), text);
  return { cwd, ...loadConfig({ cwd, env, ...options }) };
}

/** The ConfigError thrown for `text`; fails the test when loading succeeds. */
function problem(text: string, env: Record<string, string> = {}): ConfigError {
  try {
    load(text, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('the configuration was accepted');
}

/** The message names the key and offers a fix that matches `fix`. */
function assertExplains(error: ConfigError, key: string, fix: RegExp): void {
  assert.ok(error.message.includes(key), `message should name ${key}: ${error.message}`);
  const advice = error.message.slice(error.message.indexOf('Fix:'));
  assert.ok(error.message.includes('Fix:'), `message should say how to fix it: ${error.message}`);
  assert.match(advice, fix);
}

describe('configuration defaults', () => {
  test('a file with only a site gets the documented defaults', () => {
    const { config, cwd, overrides, created } = load(minimalSite);
    assert.equal(created, false);
    assert.deepEqual(overrides, []);
    assert.equal(config.server.listen, '127.0.0.1:8080');
    assert.deepEqual(config.server.trusted_proxies, []);
    assert.equal(config.database.url, `file:${join(cwd, 'data/epistle.db')}`);
    assert.equal(config.log.level, 'info');
    const site = config.sites.demo;
    assert.ok(site);
    assert.equal(site.locale, 'en');
    assert.equal(site.rate_limit_per_minute, 5);
    assert.deepEqual(site.moderators, []);
  });

  test('zero-config: a missing ./epistle.toml is written with the demo site and reported as created', () => {
    const cwd = tempDir();
    const loaded = loadConfig({ cwd, env: {}, createIfMissing: true });
    assert.equal(loaded.created, true);
    assert.equal(loaded.path, join(cwd, 'epistle.toml'));
    assert.match(readFileSync(loaded.path, 'utf8'), /\[sites\.demo\]/);
    assert.deepEqual(Object.keys(loaded.config.sites), ['demo']);
    assert.ok(loaded.config.sites.demo?.origins.includes('http://localhost:8080'));
    assert.equal(loaded.config.server.listen, '127.0.0.1:8080');
    assert.equal(loaded.config.database.url, `file:${join(cwd, 'data/epistle.db')}`);
    // The second start reads the file it wrote.
    assert.equal(loadConfig({ cwd, env: {}, createIfMissing: true }).created, false);
  });

  test('without createIfMissing a missing default file is an error that says how to get one', () => {
    const cwd = tempDir();
    assert.throws(
      () => loadConfig({ cwd, env: {} }),
      (e: unknown) => e instanceof ConfigError && /epistle init/.test(e.message),
    );
    assert.equal(existsSync(join(cwd, 'epistle.toml')), false);
  });

  test('an explicit path that does not exist is an error naming that path, even with createIfMissing', () => {
    const cwd = tempDir();
    for (const options of [{ path: 'conf/site.toml' }, { env: { EPISTLE_CONFIG: 'conf/site.toml' } }]) {
      assert.throws(
        () => loadConfig({ cwd, env: {}, createIfMissing: true, ...options }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(join(cwd, 'conf/site.toml')) && /Fix:/.test(e.message),
      );
    }
    assert.equal(existsSync(join(cwd, 'conf')), false, 'nothing is written for an explicit path');
    assert.equal(configFilePath({ cwd, env: { EPISTLE_CONFIG: 'x.toml' } }), join(cwd, 'x.toml'));
  });
});

describe('configuration errors name the key and the fix', () => {
  test('a TOML syntax error names file:line:col', () => {
    const error = problem(`${minimalSite}\n[server]\nlisten = = "x"\n`);
    assert.match(error.message, /epistle\.toml:6:\d+/);
    assert.match(error.message, /Fix:/);
  });

  test('an unknown key is named with its section and a likely correction', () => {
    assertExplains(problem(`[server]\nlisen = "127.0.0.1:1"\n${minimalSite}`), 'server.lisen', /listen/);
    assert.match(problem(`[server]\nlisen = "127.0.0.1:1"\n${minimalSite}`).message, /unknown key/);
    assertExplains(problem(`${minimalSite}nmae = "x"\n`), 'sites.demo.nmae', /name/);
    assertExplains(problem(`${minimalSite}[serve]\nlisten = "x"\n`), 'serve', /server/);
  });

  test('an origin with a path is refused and an origin example is offered', () => {
    const error = problem(`[sites.demo]\nname = "D"\norigins = ["https://example.com/blog"]\n`);
    assertExplains(error, 'sites.demo.origins', /https:\/\/example\.com/);
  });

  test('an unknown locale lists the accepted ones', () => {
    assertExplains(problem(`${minimalSite}locale = "xx"\n`), 'sites.demo.locale', /en.*fr.*de/);
  });

  test('a negative rate limit says the least accepted value', () => {
    assertExplains(problem(`${minimalSite}rate_limit_per_minute = -1\n`), 'sites.demo.rate_limit_per_minute', /0/);
  });

  test('a value of the wrong type says what type is expected, not that it is missing', () => {
    const error = problem(`${minimalSite}rate_limit_per_minute = "five"\n`);
    assertExplains(error, 'sites.demo.rate_limit_per_minute', /number/);
    assert.doesNotMatch(error.message, /missing/);
  });

  test('a listen address without a port shows the host:port form', () => {
    assertExplains(problem(`[server]\nlisten = "localhost"\n${minimalSite}`), 'server.listen', /127\.0\.0\.1:8080/);
  });

  test('an unsupported database url shows both accepted forms', () => {
    const error = problem(`[database]\nurl = "mysql://u:p@h/db"\n${minimalSite}`);
    assertExplains(error, 'database.url', /file:.*postgresql:\/\//);
  });

  test('a required key that is absent is called missing', () => {
    assertExplains(problem(`[sites.demo]\norigins = ["http://localhost:8080"]\n`), 'sites.demo.name', /add/);
  });

  test('a file without sites says how to declare one', () => {
    assertExplains(problem(`[server]\nlisten = "127.0.0.1:8080"\n`), 'sites', /\[sites\.[a-z]+\]/);
  });

  test('a site written as a plain value instead of a table says to make it a table', () => {
    assertExplains(problem(`[sites]\ndemo = 5\n`), 'sites.demo', /\[sites\.demo\]/);
  });

  test('an invalid site id says which characters are allowed', () => {
    assertExplains(problem(`[sites.Blog]\nname = "B"\norigins = ["http://localhost:8080"]\n`), 'sites.Blog', /a-z/);
  });

  test('stacosys.site must name a declared site', () => {
    assertExplains(problem(`[stacosys]\nsite = "blog"\n${minimalSite}`), 'stacosys.site', /demo/);
    assert.equal(load(`[stacosys]\nsite = "demo"\n${minimalSite}`).config.stacosys.site, 'demo');
  });

  test('every problem of the file is listed, not only the first', () => {
    const error = problem(`[server]\nlisten = "x"\n${minimalSite}locale = "xx"\n`);
    assert.match(error.message, /server\.listen/);
    assert.match(error.message, /sites\.demo\.locale/);
  });
});

describe('environment overrides', () => {
  test('EPISTLE_DATABASE_URL and EPISTLE_SERVER_LISTEN replace the file values', () => {
    const { config, overrides } = load(minimalSite, {
      EPISTLE_DATABASE_URL: 'postgresql://epistle:secret@db.example:5432/epistle',
      EPISTLE_SERVER_LISTEN: '0.0.0.0:9090',
    });
    assert.equal(config.database.url, 'postgresql://epistle:secret@db.example:5432/epistle');
    assert.equal(config.server.listen, '0.0.0.0:9090');
    assert.deepEqual([...overrides].sort(), ['EPISTLE_DATABASE_URL', 'EPISTLE_SERVER_LISTEN']);
  });

  test('a number key takes a number: 0 turns the rate limit off', () => {
    const { config } = load(`${minimalSite}rate_limit_per_minute = 9\n`, { EPISTLE_SITES_DEMO_RATE_LIMIT_PER_MINUTE: '0' });
    assert.equal(config.sites.demo?.rate_limit_per_minute, 0);
  });

  test('a list key takes comma-separated text or a TOML array', () => {
    const comma = load(minimalSite, { EPISTLE_SITES_DEMO_ORIGINS: 'https://a.example, https://b.example' });
    assert.deepEqual(comma.config.sites.demo?.origins, ['https://a.example', 'https://b.example']);
    const array = load(minimalSite, { EPISTLE_SITES_DEMO_MODERATORS: '["a@example.com", "b@example.com"]' });
    assert.deepEqual(array.config.sites.demo?.moderators, ['a@example.com', 'b@example.com']);
  });

  test('a text key keeps text that looks like a number or boolean', () => {
    const { config } = load(minimalSite, { EPISTLE_SITES_DEMO_NAME: '2024', EPISTLE_SITES_DEMO_OWNER_NAME: 'true' });
    assert.equal(config.sites.demo?.name, '2024');
    assert.equal(config.sites.demo?.owner_name, 'true');
  });

  test('a boolean key takes true/false', () => {
    assert.equal(load(minimalSite, { EPISTLE_SERVER_DEMO_PAGE: 'false' }).config.server.demo_page, false);
  });

  test('a bad value from a variable names the variable and the key', () => {
    const error = problem(minimalSite, { EPISTLE_SITES_DEMO_RATE_LIMIT_PER_MINUTE: 'lots' });
    assertExplains(error, 'sites.demo.rate_limit_per_minute', /number/);
    assert.match(error.message, /EPISTLE_SITES_DEMO_RATE_LIMIT_PER_MINUTE/);
  });

  test('an unknown key in a known section names the variable and the known keys', () => {
    const error = problem(minimalSite, { EPISTLE_SERVER_FOO: '1' });
    assertExplains(error, 'EPISTLE_SERVER_FOO', /listen/);
  });

  test('a variable naming no section, or an undeclared site, is an error naming it', () => {
    assertExplains(problem(minimalSite, { EPISTLE_SERVR_LISTEN: 'x' }), 'EPISTLE_SERVR_LISTEN', /EPISTLE_SERVER_/);
    assertExplains(problem(minimalSite, { EPISTLE_SITES_BLOG_NAME: 'x' }), 'EPISTLE_SITES_BLOG_NAME', /\[sites\./);
  });

  test('EPISTLE_TEST_* and EPISTLE_CONFIG are not overrides', () => {
    const { overrides, config } = load(minimalSite, { EPISTLE_TEST_X: 'y', EPISTLE_TEST_DB: 'postgresql' });
    assert.deepEqual(overrides, []);
    assert.equal(config.server.listen, '127.0.0.1:8080');
  });

  test('a site id with "-" is reached with "_" in the variable name', () => {
    const { config } = load(`[sites.my-blog]\nname = "B"\norigins = ["https://b.example"]\n`, { EPISTLE_SITES_MY_BLOG_LOCALE: 'fr' });
    assert.equal(config.sites['my-blog']?.locale, 'fr');
  });
});

describe('paths', () => {
  test('a relative SQLite path is relative to the configuration file, wherever the process starts', () => {
    const cwd = tempDir();
    const other = tempDir();
    writeFileSync(join(cwd, 'site.toml'), `[database]\nurl = "file:./db/x.db"\n${minimalSite}`);
    const { config } = loadConfig({ cwd: other, env: {}, path: join(cwd, 'site.toml') });
    assert.equal(config.database.url, `file:${join(cwd, 'db/x.db')}`);
  });

  test('an absolute SQLite path and a PostgreSQL URL are kept as written', () => {
    assert.equal(load(`[database]\nurl = "file:/var/lib/epistle/e.db"\n${minimalSite}`).config.database.url, 'file:/var/lib/epistle/e.db');
    const pgUrl = 'postgresql://u:p@localhost:5432/e';
    assert.equal(load(`[database]\nurl = "${pgUrl}"\n${minimalSite}`).config.database.url, pgUrl);
  });
});
