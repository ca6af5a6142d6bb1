import { Alert, Form, Modal } from 'antd';
import { useEffect } from 'react';
import type { User } from '../api/types';
import { ErrorAlert } from '../shared/ErrorAlert';
import { NewPasswordFields } from '../shared/NewPasswordFields';
import { useSubmit } from '../shared/useSubmit';
import { identityApi } from './identity-api';

export function ResetPasswordModal({ user, onClose, onDone }: { user: User | null; onClose(): void; onDone(): void }) {
  const [form] = Form.useForm<{ password: string }>();
  const { submitting: saving, error, clearError, runValidated } = useSubmit();

  useEffect(() => {
    if (user) {
      form.resetFields();
      clearError();
    }
  }, [user, form, clearError]);

  async function submit() {
    if (!user) return;
    await runValidated(form, async (values) => {
      await identityApi.resetPassword(user.id, values.password);
      onDone();
    });
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
        <NewPasswordFields name="password" testId="reset-password-input" />
      </Form>
    </Modal>
  );
}
