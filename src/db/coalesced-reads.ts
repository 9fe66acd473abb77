// Shares one database read among concurrent callers asking the same thing, without ever handing
// a caller an answer read before it asked. A read starts on the next turn of the event loop
// (setImmediate), so every request parsed in the same I/O phase joins it; while a read for a key
// runs, newcomers wait for the NEXT one, which starts after all of them arrived. So each caller
// sees the database as it was at some moment after its call (a moderation committed by any
// instance before a request arrives is always seen), and under load one query serves a batch.
interface Batch<V> {
  promise: Promise<V>;
  resolve(value: V): void;
  reject(error: unknown): void;
}

function batch<V>(): Batch<V> {
  let resolve!: (value: V) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface KeyState<V> {
  /** Callers whose read has not started yet. */
  waiting: Batch<V> | null;
  running: boolean;
  query: () => Promise<V>;
}

export class CoalescedReads<V> {
  private readonly keys = new Map<string, KeyState<V>>();

  read(key: string, query: () => Promise<V>): Promise<V> {
    let state = this.keys.get(key);
    if (!state) {
      state = { waiting: null, running: false, query };
      this.keys.set(key, state);
    }
    if (!state.waiting) {
      state.waiting = batch<V>();
      if (!state.running) this.schedule(key, state);
    }
    return state.waiting.promise;
  }

  private schedule(key: string, state: KeyState<V>): void {
    setImmediate(() => this.start(key, state));
  }

  private start(key: string, state: KeyState<V>): void {
    const current = state.waiting;
    if (!current) return;
    state.waiting = null;
    state.running = true;
    const settle = () => {
      state.running = false;
      if (state.waiting) this.schedule(key, state);
      else this.keys.delete(key);
    };
    let started: Promise<V>;
    try {
      started = state.query();
    } catch (error) {
      current.reject(error);
      settle();
      return;
    }
    started.then(
      (value) => {
        current.resolve(value);
        settle();
      },
      (error: unknown) => {
        current.reject(error);
        settle();
      },
    );
  }
}
