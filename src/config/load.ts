// Reads the configuration once, at start: file (TOML), then environment overrides, then the
// schema. The only module that reads the config file or EPISTLE_* variables.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { defaultConfigFile } from './default-file.js';
import { applyEnvOverrides } from './env-overrides.js';
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

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.EPISTLE_CONFIG;
  const path = resolve(cwd, explicit ?? 'epistle.toml');
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
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, defaultConfigFile, { flag: 'wx' });
    created = true;
  }
  const table = parseFile(path);
  const overrides = applyEnvOverrides(table, env);
  const config = validate(table, path);
  config.database.url = resolveSqlitePath(config.database.url, dirname(path));
  return { config, path, created, overrides };
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

export function validate(table: unknown, source = 'configuration'): Config {
  const result = configSchema.safeParse(table);
  if (result.success) return result.data;
  const problems = result.error.issues.map(describeIssue);
  const first = problems[0] ?? { key: source, problem: 'invalid', fix: 'see docs/configuration.md' };
  const error = new ConfigError(first.key, first.problem, first.fix);
  if (problems.length > 1) {
    error.message = problems.map((p) => `${p.key}: ${p.problem}. Fix: ${p.fix}`).join('\n');
  }
  throw error;
}

function describeIssue(issue: z.core.$ZodIssue): { key: string; problem: string; fix: string } {
  const key = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => (key === '(top level)' ? k : `${key}.${k}`));
    return {
      key: names.join(', '),
      problem: 'unknown key',
      fix: 'remove it or correct its spelling (docs/configuration.md lists every key)',
    };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { key, problem: 'missing', fix: `add it (expected ${issue.expected})` };
  }
  return { key, problem: issue.message, fix: 'see docs/configuration.md for the accepted values' };
}

/** A relative SQLite path is relative to the configuration file, not to wherever the daemon starts. */
function resolveSqlitePath(url: string, base: string): string {
  if (!url.startsWith('file:')) return url;
  const file = url.slice('file:'.length);
  return isAbsolute(file) ? url : `file:${resolve(base, file)}`;
}
