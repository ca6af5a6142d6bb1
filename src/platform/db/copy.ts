import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * A streaming `COPY … FROM STDIN` (text format) on one PostgreSQL client. `write` respects backpressure
 * (awaits 'drain'), `finish` ends the COPY and resolves with the row count, `abort` sends CopyFail so
 * PostgreSQL rolls the COPY back.
 */
export interface CopyIn {
  write(chunk: string | Buffer): Promise<void>;
  finish(): Promise<number>;
  abort(reason: string): Promise<void>;
}

/**
 * The COPY on a client the caller holds (and releases), e.g. inside its own transaction: a failed COPY
 * leaves the transaction aborted, so the caller rolls back.
 */
export function copyInOn(client: pg.PoolClient, statement: string): CopyIn {
  const stream = client.query(copyFrom(statement));
  let failure: Error | null = null;
  stream.on('error', (error: Error) => { failure ??= error; });
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (!stream.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
        });
        if (failure) throw failure;
      }
    },
    async finish() {
      if (failure) throw failure;
      stream.end();
      await once(stream, 'finish');
      if (failure) throw failure;
      return stream.rowCount ?? 0;
    },
    async abort(reason) {
      if (!failure && !stream.destroyed) {
        const closed = once(stream, 'close').catch(() => undefined);
        stream.destroy(new Error(reason));
        await closed;
      }
    },
  };
}

/** The COPY on a client of its own from the pool, released exactly once whichever way the COPY ends. */
export async function copyIn(pool: pg.Pool, statement: string): Promise<CopyIn> {
  const client = await pool.connect();
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  let copy: CopyIn;
  try {
    copy = copyInOn(client, statement);
  } catch (error) {
    release(error as Error);
    throw error;
  }
  return {
    write: (chunk) => copy.write(chunk),
    async finish() {
      try {
        const rows = await copy.finish();
        release();
        return rows;
      } catch (error) {
        release(error as Error);
        throw error;
      }
    },
    async abort(reason) {
      if (released) return;
      await copy.abort(reason);
      // The connection answered the CopyFail with an error and is usable again, but release it
      // as broken anyway: a half-aborted COPY is not worth the risk of reusing the session.
      release(new Error(reason));
    },
  };
}

/** A unique violation (SQLSTATE 23505), e.g. a direct COPY meeting a key that is already there. */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';

/**
 * When to COPY a keyed load straight into its table rather than merge it (staging + INSERT … ON CONFLICT):
 * while the rows are new (an initial load, an insert-only stream) the direct COPY runs at raw COPY speed;
 * once it fails for a key (a table, a task) — typically a unique violation because the load updates rows —
 * the next `skip` loads of that key merge before it is tried again, so an update-heavy stream rarely pays
 * for a failed COPY. In memory only: a restart simply tries the direct COPY once more.
 */
export class DirectCopyGate {
  private readonly waits = new Map<string, number>();

  constructor(private readonly skip = 32) {}

  /** Whether this load of `key` should try the direct COPY (a skipped load counts down the wait). */
  shouldTry(key: string): boolean {
    const wait = this.waits.get(key) ?? 0;
    if (wait <= 0) return true;
    if (wait === 1) this.waits.delete(key);
    else this.waits.set(key, wait - 1);
    return false;
  }

  /** The direct COPY of `key` failed: the next `skip` loads merge. */
  failed(key: string): void {
    this.waits.set(key, this.skip);
  }
}
