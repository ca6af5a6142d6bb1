import { Alert, Button, Form, Input } from 'antd';
import { ErrorAlert } from '../shared/ErrorAlert';
import { NewPasswordFields } from '../shared/NewPasswordFields';
import { PASSWORD_POLICY_TEXT } from '../shared/password-policy';
import { useSubmit } from '../shared/useSubmit';
import { authApi } from './auth-api';

interface Values {
  oldPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/** Old / new / confirm password form used by the forced change page and the profile page. */
export function PasswordChangeForm({ onChanged, submitText = '修改密码' }: { onChanged(): void | Promise<void>; submitText?: string }) {
  const [form] = Form.useForm<Values>();
  const { submitting, error, run } = useSubmit();

  function submit(values: Values) {
    return run(async () => {
      await authApi.changePassword(values.oldPassword, values.newPassword);
      form.resetFields();
      await onChanged();
    });
  }

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="password-form" style={{ maxWidth: 420 }}>
      <Alert type="info" showIcon title={`密码策略：${PASSWORD_POLICY_TEXT}`} style={{ marginBottom: 16 }} />
      <ErrorAlert error={error} testId="password-error" />
      <Form.Item label="原密码" name="oldPassword" rules={[{ required: true, message: '请输入原密码' }]}>
        <Input.Password autoComplete="current-password" data-testid="old-password" />
      </Form.Item>
      <NewPasswordFields name="newPassword" testId="new-password" confirm={{ name: 'confirmPassword', testId: 'confirm-password' }} />
      <Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="password-submit">
          {submitText}
        </Button>
      </Form.Item>
    </Form>
  );
}
