import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * A streaming `COPY … FROM STDIN` (text format) on one pooled PostgreSQL client. `write` respects
 * backpressure (awaits 'drain'), `finish` ends the COPY and resolves with the row count, `abort` sends
 * CopyFail so PostgreSQL rolls the COPY back. The client is released exactly once in either case.
 */
export interface CopyIn {
  write(chunk: string | Buffer): Promise<void>;
  finish(): Promise<number>;
  abort(reason: string): Promise<void>;
}

export async function copyIn(pool: pg.Pool, statement: string): Promise<CopyIn> {
  const client = await pool.connect();
  const stream = client.query(copyFrom(statement));
  let failure: Error | null = null;
  stream.on('error', (error: Error) => { failure ??= error; });
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
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
      try {
        if (failure) throw failure;
        stream.end();
        await once(stream, 'finish');
        if (failure) throw failure;
        release();
        return stream.rowCount ?? 0;
      } catch (error) {
        release(error as Error);
        throw error;
      }
    },
    async abort(reason) {
      if (released) return;
      if (!failure && !stream.destroyed) {
        const closed = once(stream, 'close').catch(() => undefined);
        stream.destroy(new Error(reason));
        await closed;
      }
      // The connection answered the CopyFail with an error and is usable again, but release it
      // as broken anyway: a half-aborted COPY is not worth the risk of reusing the session.
      release(new Error(reason));
    },
  };
}
