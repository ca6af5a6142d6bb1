import { useCallback, useEffect, useState } from 'react';
import { describeError } from './errors';

/**
 * Loads data for a page with `fetch` on mount and whenever `fetch` changes (pass a `useCallback`
 * or module-level function), keeping the loading flag and the Chinese error message.
 */
export function useRemoteData<T>(fetch: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setData(await fetch());
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  }, [fetch]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, loading, error, reload };
}
