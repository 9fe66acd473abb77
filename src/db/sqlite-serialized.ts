// Prisma's better-sqlite3 adapter shares ONE connection between interactive transactions and
// plain queries, and only transactions wait for each other. A plain write issued by another
// request while a transaction is open therefore runs inside it, and is lost if that transaction
// rolls back (test/integration/sqlite-serialized.test.ts shows it). This wrapper makes plain
// queries wait for the open transaction too, so every statement belongs to its own unit of work.
import type { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>;
type Tx = Awaited<ReturnType<Adapter['startTransaction']>>;

/** A FIFO lock: `acquire` resolves with the function that releases it. */
class Lock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

function guardTransaction(tx: Tx, release: () => void): Tx {
  let released = false;
  const once = () => {
    if (!released) {
      released = true;
      release();
    }
  };
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  tx.commit = () => commit().finally(once);
  tx.rollback = () => rollback().finally(once);
  return tx;
}

export function serializeConnection(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const lock = new Lock();
    const queryRaw = adapter.queryRaw.bind(adapter);
    const executeRaw = adapter.executeRaw.bind(adapter);
    const executeScript = adapter.executeScript.bind(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.queryRaw = (query) => lock.run(() => queryRaw(query));
    adapter.executeRaw = (query) => lock.run(() => executeRaw(query));
    adapter.executeScript = (script) => lock.run(() => executeScript(script));
    adapter.startTransaction = async (isolationLevel) => {
      const release = await lock.acquire();
      try {
        return guardTransaction(await startTransaction(isolationLevel), release);
      } catch (error) {
        release();
        throw error;
      }
    };
    return adapter;
  };
  return factory;
}
