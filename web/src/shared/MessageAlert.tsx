import { Alert } from 'antd';

/** A plain error alert for a message already put in Chinese (e.g. by `describeError`); nothing when null. */
export function MessageAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return <Alert type="error" showIcon title={message} style={{ marginBottom: 16 }} />;
}
