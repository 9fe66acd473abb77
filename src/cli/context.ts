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

/** Runs a command with services, and closes them whatever happens. */
export async function withServices<T>(options: GlobalOptions, run: (services: Services) => Promise<T>): Promise<T> {
  const { config } = load(options);
  // Warnings and errors only, on stderr: command output on stdout stays readable and parseable.
  const services = await createServices(config, createLogger(config.log.level === 'silent' ? 'silent' : 'warn', process.stderr));
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

/** A command's refusal: a message for the person at the terminal and the exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** Stops the command; thrown (not process.exit) so that withServices still closes the database. */
export function fail(message: string, code = 1): never {
  throw new CliFailure(message, code);
}

function exit(message: string, code = 1): never {
  process.stderr.write(`epistle: ${message}\n`);
  process.exit(code);
}

export function reportError(error: unknown): never {
  if (error instanceof CliFailure) exit(error.message, error.exitCode);
  if (error instanceof ConfigError) exit(`configuration error\n  ${error.message.split('\n').join('\n  ')}`, 2);
  if (error instanceof DomainError) exit(error.message);
  if (error instanceof MigrationError) exit(error.message);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const { address, port } = error as { address?: string; port?: number };
    exit(
      `cannot listen on ${address ?? ''}:${port ?? ''} (${String(code)}). Fix: set [server] listen, or EPISTLE_SERVER_LISTEN, to a free port`,
    );
  }
  if (error instanceof Error && /ECONNREFUSED|ENOTFOUND|SQLITE_CANTOPEN|password authentication/.test(error.message)) {
    exit(`cannot reach the database: ${error.message}`);
  }
  throw error;
}
