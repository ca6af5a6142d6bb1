import type { FormInstance } from 'antd';
import { useCallback, useState } from 'react';

/**
 * Submit state for a form or modal: `submitting` while the action runs, and the error it threw
 * (shown with `ErrorAlert`, which keeps the server's wording and code).
 */
export function useSubmit() {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const clearError = useCallback(() => setError(null), []);

  /** Runs `action`, clearing the previous error first and keeping the new one if it throws. */
  const run = useCallback(async (action: () => Promise<void>) => {
    setSubmitting(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setSubmitting(false);
    }
  }, []);

  /** Validates `form` (stopping quietly when a field is invalid: antd shows why) and then runs `action`. */
  const runValidated = useCallback(
    async <V>(form: FormInstance<V>, action: (values: V) => Promise<void>) => {
      let values: V;
      try {
        values = await form.validateFields();
      } catch {
        return;
      }
      await run(() => action(values));
    },
    [run],
  );

  return { submitting, error, clearError, run, runValidated };
}
