import { useCallback, useEffect, useState } from 'react';

/**
 * Loads the one record a detail page shows with `fetch` on mount and whenever `fetch` changes (pass a
 * `useCallback` on the record's id). Unlike `useRemoteData` it keeps the error as thrown, for `ErrorAlert`
 * (which shows the server's code), keeps the record shown when a reload fails (pages show the error only
 * while there is no record), and lets actions put the record the server answered in place with `setData`.
 */
export function useRemoteRecord<T>(fetch: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      setData(await fetch());
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [fetch]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, setData, error, reload };
}
