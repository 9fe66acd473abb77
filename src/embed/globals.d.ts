/** The stylesheet's versioned name and integrity, set by scripts/build-embed.mjs (esbuild define). */
declare const EPISTLE_CSS: { file: string; integrity: string };
