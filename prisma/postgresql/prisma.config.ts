// Prisma CLI config for the PostgreSQL schema (generate and `migrate diff` only: Epistle
// applies migrations itself, because `migrate deploy` fails with the wasm engine + pg adapter).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: './schema.prisma',
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://localhost/epistle' }),
});
