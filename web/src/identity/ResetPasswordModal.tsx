import { Alert, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import type { User } from '../api/types';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PASSWORD_POLICY_TEXT, passwordPolicyError } from '../shared/password-policy';
import { identityApi } from './identity-api';

export function ResetPasswordModal({ user, onClose, onDone }: { user: User | null; onClose(): void; onDone(): void }) {
  const [form] = Form.useForm<{ password: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (user) {
      form.resetFields();
      setError(null);
    }
  }, [user, form]);

  async function submit() {
    if (!user) return;
    let values: { password: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await identityApi.resetPassword(user.id, values.password);
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={!!user}
      title={`重置密码：${user?.username ?? ''}`}
      okText="重置"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      forceRender
      data-testid="reset-password-modal"
    >
      <Alert type="warning" showIcon title="重置后该账号须在下次登录时修改密码。" style={{ marginBottom: 16 }} />
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical">
        <Form.Item
          label="新密码"
          name="password"
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
          <Input.Password autoComplete="new-password" data-testid="reset-password-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
