// Deterministic, realistic comments: 300-400 characters of Markdown mixing paragraphs, emphasis,
// inline code, links and the odd list or quote, so that the rendered HTML and the JSON are the
// size a real thread has. Seeded, so that every run serves the same bytes.

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sentences = [
  'Thanks for writing this up, it saved me an afternoon of digging through the changelog.',
  'I tried the same approach on a Raspberry Pi 4 and it worked, although the first build was slow.',
  'One thing that is not obvious: the cache has to be cleared after you change the base URL.',
  'Could you say a word about how this behaves with several instances behind a proxy?',
  'We ran into exactly this last year and ended up pinning the version until the fix landed.',
  'The second example does not compile for me on Node 20, am I missing an import?',
  'I disagree a little with the conclusion, but the measurements are convincing.',
  'For what it is worth, the French translation of the docs is now up to date as well.',
  'This is the clearest explanation of write-ahead logging I have read so far.',
  'Small typo in the third paragraph: "recieve" should be "receive".',
  'Our static site has about two hundred posts and the build still takes under a minute.',
  'Would love a follow-up post on backups and how you test restoring them.',
];

const flourishes = [
  () => ' **Update:** it also works with the latest release.',
  () => ' Setting `journal_mode = WAL` made the difference for us.',
  () => ' See [the upstream issue](https://github.com/example/project/issues/1234) for context.',
  () => ' *Highly* recommended.',
  () => '\n\n> The cache is keyed on the page version.\n\nThat line alone answered my question.',
  () => '\n\n- one process per site\n- a shared database\n- nothing kept only in memory',
  () => ' More notes at https://notes.example.org/2024/sqlite-tuning for anyone curious.',
];

export function commentBody(random: () => number): string {
  const target = 300 + Math.floor(random() * 100);
  let body = '';
  while (body.length < target - 40) {
    const pick =
      random() < 0.3 ? flourishes[Math.floor(random() * flourishes.length)]!() : ` ${sentences[Math.floor(random() * sentences.length)]!}`;
    if (body.length + pick.length > 400) break;
    body += random() < 0.15 && body ? `\n\n${pick.trimStart()}` : pick;
  }
  return body.trim();
}

const names = ['Ann Martin', 'Bertrand', 'Chloé Dubois', 'Dieter Müller', 'Eve', 'Farid', 'Grace Hopper fan', 'Hélène', 'Ivo', 'Jun'];

export function commentAuthor(random: () => number, i: number): { author: string; email?: string; website?: string } {
  const name = names[i % names.length]!;
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '-');
  return {
    author: name,
    ...(random() < 0.5 ? { email: `${slug}@mail.example` } : {}),
    ...(random() < 0.35 ? { website: `https://${slug}.example.net/` } : {}),
  };
}
