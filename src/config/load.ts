// Reads the configuration once, at start: file (TOML), then environment overrides, then the
// schema. The only module that reads the config file or EPISTLE_* variables.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { defaultConfigFile } from './default-file.js';
import { describeIssue } from './describe-issue.js';
import { applyEnvOverrides, type Override } from './env-overrides.js';
import { ConfigError } from './errors.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read. */
  path: string;
  /** True when the file did not exist and the zero-config default was written. */
  created: boolean;
  /** Names of the EPISTLE_* variables that overrode the file. */
  overrides: string[];
}

export interface LoadOptions {
  /** --config value; when given, the file must exist. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Write the default file when the implicit ./epistle.toml is missing (serve does, checks do not). */
  createIfMissing?: boolean;
  cwd?: string;
}

/** The file loadConfig reads: --config, else EPISTLE_CONFIG, else ./epistle.toml (relative to cwd). */
export function configFilePath(options: Pick<LoadOptions, 'path' | 'env' | 'cwd'> = {}): string {
  const env = options.env ?? process.env;
  return resolve(options.cwd ?? process.cwd(), options.path ?? env.EPISTLE_CONFIG ?? 'epistle.toml');
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const explicit = options.path ?? env.EPISTLE_CONFIG;
  const path = configFilePath(options);
  let created = false;
  if (!existsSync(path)) {
    if (explicit !== undefined) {
      throw new ConfigError(
        path,
        'the configuration file does not exist',
        'check the --config path or EPISTLE_CONFIG, or run `epistle init` to write one',
      );
    }
    if (!options.createIfMissing) {
      throw new ConfigError(path, 'no configuration file', 'run `epistle init` (or `npm start`, which writes a demo one)');
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    created = writeOnce(path, defaultConfigText(env));
  }
  const table = parseFile(path);
  const overrides = applyEnvOverrides(table, env);
  const config = validate(table, path, overrides);
  config.database.url = resolveSqlitePath(config.database.url, dirname(path));
  for (const site of Object.values(config.sites)) {
    if (site.templates_dir !== undefined) site.templates_dir = resolve(dirname(path), site.templates_dir);
  }
  return { config, path, created, overrides: overrides.map((o) => o.variable) };
}

/** The zero-config file, following EPISTLE_SERVER_LISTEN when it is set (its port, its host). */
export function defaultConfigText(env: NodeJS.ProcessEnv = process.env): string {
  return defaultConfigFile(env.EPISTLE_SERVER_LISTEN);
}

/**
 * False when another process wrote the file first (two instances started together): theirs is read.
 * Owner-only: the file is where mail passwords go.
 */
function writeOnce(path: string, text: string): boolean {
  try {
    writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function parseFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  try {
    return parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigError(
        `${path}:${error.line}:${error.column}`,
        `not valid TOML (${error.message.split('\n')[0]})`,
        'correct the syntax at that line',
      );
    }
    throw error;
  }
}

/** Checks a parsed table; `overrides` lets a message name the variable a bad value came from. */
export function validate(table: unknown, source = 'configuration', overrides: Override[] = []): Config {
  const result = configSchema.safeParse(table);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const p = describeIssue(issue, table);
    const key = issue.path.map(String).join('.');
    const from = overrides.find((o) => key === o.key || key.startsWith(`${o.key}.`));
    return from ? { ...p, key: `${p.key} (set by ${from.variable})` } : p;
  });
  const first = problems[0] ?? { key: source, problem: 'invalid', fix: 'see docs/configuration.md' };
  const error = new ConfigError(first.key, first.problem, first.fix);
  if (problems.length > 1) {
    error.message = problems.map((p) => `${p.key}: ${p.problem}. Fix: ${p.fix}`).join('\n');
  }
  throw error;
}

/** A relative SQLite path is relative to the configuration file, not to wherever the daemon starts. */
function resolveSqlitePath(url: string, base: string): string {
  if (!url.startsWith('file:')) return url;
  const file = url.slice('file:'.length);
  return isAbsolute(file) ? url : `file:${resolve(base, file)}`;
}
