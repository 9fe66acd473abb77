// The reader's name, email and website, kept in this browser only when they tick "remember me".
// Nothing is written otherwise; storage may be unavailable (privacy modes, sandboxed frames).
const key = 'epistle-reader';
export const rememberedFields = ['author', 'email', 'website'] as const;
export type Remembered = Partial<Record<(typeof rememberedFields)[number], string>>;

export function recall(): Remembered | null {
  try {
    const saved = localStorage.getItem(key);
    return saved ? (JSON.parse(saved) as Remembered) : null;
  } catch {
    return null;
  }
}

export function remember(values: Remembered | null): void {
  try {
    if (values) localStorage.setItem(key, JSON.stringify(values));
    else if (localStorage.getItem(key) !== null) localStorage.removeItem(key);
  } catch {
    // Not remembering is the safe failure.
  }
}
