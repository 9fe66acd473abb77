export type Provider = 'sqlite' | 'postgresql';

export function providerOf(url: string): Provider {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql';
}

export function sqlitePath(url: string): string {
  return url.slice('file:'.length);
}
