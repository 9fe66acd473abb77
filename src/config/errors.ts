/** A configuration problem: names the key (or variable) at fault and how to fix it. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${key}: ${problem}. Fix: ${fix}`);
    this.name = 'ConfigError';
  }
}
