import { Alert } from 'antd';
import { describeError, errorDetail } from './errors';

/** An error alert with the Chinese message and, below it, the server's own wording and code. */
export function ErrorAlert({ error, testId }: { error: unknown; testId?: string }) {
  if (error === null || error === undefined) return null;
  const detail = errorDetail(error);
  return (
    <Alert
      type="error"
      showIcon
      title={describeError(error)}
      description={detail ? <span style={{ fontSize: 12 }}>{detail}</span> : undefined}
      data-testid={testId}
      style={{ marginBottom: 16 }}
    />
  );
}
