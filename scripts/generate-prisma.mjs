// Generates one Prisma client per provider. Called only by scripts/build.mjs (npm prepare).
// Uses the Rust-free engine through prisma.config.ts: nothing is downloaded.
import { execFileSync } from 'node:child_process';

// The schemas read `url = env("DATABASE_URL")`; without a value Prisma falls back to
// downloading a native engine, so a placeholder of the right shape is passed.
const placeholder = { sqlite: 'file:./data/placeholder.db', postgresql: 'postgresql://localhost/placeholder' };

for (const provider of /** @type {const} */ (['sqlite', 'postgresql'])) {
  execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--config', `prisma/${provider}/prisma.config.ts`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', DATABASE_URL: placeholder[provider] },
  });
}
