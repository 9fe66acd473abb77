// Shared by CLI commands: load configuration and services, and turn known errors into a clear
// message and a non-zero exit code instead of a stack trace.
import { ConfigError } from '../config/errors.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { MigrationError } from '../db/migrate.js';
import { DomainError } from '../domain/errors.js';
import { createLogger } from '../log.js';
import { createServices, type Services } from '../services.js';

export interface GlobalOptions {
  config?: string;
}

export function load(options: GlobalOptions, createIfMissing = false): LoadedConfig {
  return loadConfig({ ...(options.config ? { path: options.config } : {}), createIfMissing });
}

/** Runs a command with services; the logger only shows warnings so command output stays readable. */
export async function withServices<T>(options: GlobalOptions, run: (services: Services) => Promise<T>): Promise<T> {
  const { config } = load(options);
  const services = await createServices(config, createLogger(process.env.EPISTLE_CLI_LOG_LEVEL ?? 'warn', process.stderr));
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

export function fail(message: string, code = 1): never {
  process.stderr.write(`epistle: ${message}\n`);
  process.exit(code);
}

export function reportError(error: unknown): never {
  if (error instanceof ConfigError) fail(`configuration error\n  ${error.message.split('\n').join('\n  ')}`, 2);
  if (error instanceof DomainError) fail(error.message);
  if (error instanceof MigrationError) fail(error.message);
  if (error instanceof Error && /ECONNREFUSED|ENOTFOUND|SQLITE_CANTOPEN|password authentication/.test(error.message)) {
    fail(`cannot reach the database: ${error.message}`);
  }
  throw error;
}
