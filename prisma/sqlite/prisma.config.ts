// Prisma CLI config for the SQLite schema. Rust-free Prisma (wasm schema engine, driver
// adapter) is the only setup that runs without downloading native engines: see docs/ARCHITECTURE.md.
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: './schema.prisma',
  adapter: async () => new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? 'file:./data/prisma-cli.db' }),
});
