import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PASSWORD_POLICY_TEXT, passwordPolicyError } from '../shared/password-policy';
import { authApi } from './auth-api';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/** Old / new / confirm password form used by the forced change page and the profile page. */
export function PasswordChangeForm({ onChanged, submitText = '修改密码' }: { onChanged(): void | Promise<void>; submitText?: string }) {
  const [form] = Form.useForm<Values>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(values: Values) {
    setSubmitting(true);
    setError(null);
    try {
      await authApi.changePassword(values.oldPassword, values.newPassword);
      form.resetFields();
      await onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="password-form" style={{ maxWidth: 420 }}>
      <Alert type="info" showIcon title={`密码策略：${PASSWORD_POLICY_TEXT}`} style={{ marginBottom: 16 }} />
      <ErrorAlert error={error} testId="password-error" />
      <Form.Item label="原密码" name="oldPassword" rules={[{ required: true, message: '请输入原密码' }]}>
        <Input.Password autoComplete="current-password" data-testid="old-password" />
      </Form.Item>
      <Form.Item
        label="新密码"
        name="newPassword"
        extra={PASSWORD_POLICY_TEXT}
        rules={[
          { required: true, message: '请输入新密码' },
          {
            validator: (_, value: string | undefined) => {
              const problem = value ? passwordPolicyError(value) : null;
              return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
            },
          },
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="new-password" />
      </Form.Item>
      <Form.Item
        label="确认新密码"
        name="confirmPassword"
        dependencies={['newPassword']}
        rules={[
          { required: true, message: '请再次输入新密码' },
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              !value || value === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error('两次输入的新密码不一致')),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="confirm-password" />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="password-submit">
          {submitText}
        </Button>
      </Form.Item>
    </Form>
  );
}
