import { Checkbox, Form, Input, Modal, Select } from 'antd';
import { useEffect } from 'react';
import type { Org, Role, User } from '../api/types';
import { ErrorAlert } from '../shared/ErrorAlert';
import { NewPasswordFields } from '../shared/NewPasswordFields';
import { PASSWORD_POLICY_TEXT } from '../shared/password-policy';
import { ROLE_LABELS, SEPARATED_ROLES } from '../shared/roles';
import { useSubmit } from '../shared/useSubmit';
import { identityApi } from './identity-api';

interface Values {
  username: string;
  displayName: string;
  orgId: string;
  roles: Role[];
  password: string;
}

interface Props {
  open: boolean;
  /** The account being edited, or null to create one. */
  editing: User | null;
  orgs: Org[];
  /** Roles the acting manager may grant. */
  grantableRoles: Role[];
  /** When set, the department is fixed (a dept_admin manages only its own department). */
  fixedOrgId: string | null;
  onClose(): void;
  onSaved(user: User): void;
}

export function UserFormModal({ open, editing, orgs, grantableRoles, fixedOrgId, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>();
  const { submitting: saving, error, clearError, runValidated } = useSubmit();

  useEffect(() => {
    if (!open) return;
    clearError();
    form.resetFields();
    if (editing) {
      form.setFieldsValue({ username: editing.username, displayName: editing.displayName, orgId: editing.orgId, roles: editing.roles });
    } else {
      form.setFieldsValue({ orgId: fixedOrgId ?? undefined, roles: grantableRoles.includes('dept_user') ? ['dept_user'] : [] });
    }
  }, [open, editing, fixedOrgId, grantableRoles, form, clearError]);

  function submit() {
    return runValidated(form, async (values) => {
      const saved = editing
        ? await identityApi.updateUser(editing.id, { displayName: values.displayName.trim(), roles: values.roles })
        : await identityApi.createUser({
            username: values.username.trim(),
            displayName: values.displayName.trim(),
            orgId: fixedOrgId ?? values.orgId,
            roles: values.roles,
            password: values.password,
          });
      onSaved(saved);
    });
  }

  // Roles the account already holds but this manager may not grant stay visible (and untouchable).
  const roleOptions = Array.from(new Set([...grantableRoles, ...(editing?.roles ?? [])])).map((role) => ({
    value: role,
    label: ROLE_LABELS[role],
    disabled: !grantableRoles.includes(role),
  }));

  return (
    <Modal
      open={open}
      title={editing ? `编辑账号：${editing.username}` : '新增账号'}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      forceRender
      data-testid="user-modal"
    >
      <ErrorAlert error={error} testId="user-form-error" />
      <Form form={form} layout="vertical" requiredMark="optional">
        <Form.Item
          label="用户名"
          name="username"
          rules={[
            { required: true, message: '请输入用户名' },
            { pattern: /^[a-z0-9][a-z0-9_.-]{2,63}$/, message: '用户名为 3–64 位小写字母、数字、点、下划线或连字符，以字母或数字开头' },
          ]}
        >
          <Input disabled={!!editing} autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item label="姓名" name="displayName" rules={[{ required: true, whitespace: true, message: '请输入姓名' }, { max: 64 }]}>
          <Input autoComplete="off" data-testid="user-display-name" />
        </Form.Item>
        <Form.Item
          label="所属部门"
          name="orgId"
          rules={[{ required: true, message: '请选择所属部门' }]}
          extra={fixedOrgId && !editing ? '部门管理员只能在本部门创建账号' : undefined}
        >
          <Select
            disabled={!!editing || !!fixedOrgId}
            options={orgs.map((org) => ({ value: org.id, label: org.name }))}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="请选择部门"
            data-testid="user-org"
          />
        </Form.Item>
        <Form.Item
          label="角色"
          name="roles"
          rules={[
            { required: true, type: 'array', min: 1, message: '请至少选择一个角色' },
            {
              validator: (_, roles: Role[] | undefined) =>
                (roles ?? []).filter((r) => SEPARATED_ROLES.includes(r)).length > 1
                  ? Promise.reject(new Error('三员分立：系统管理员、安全管理员、安全审计员只能选择其一'))
                  : Promise.resolve(),
            },
          ]}
        >
          <Checkbox.Group options={roleOptions} data-testid="user-roles" />
        </Form.Item>
        {!editing && (
          <NewPasswordFields
            name="password"
            testId="user-password"
            label="初始密码"
            requiredMessage="请输入初始密码"
            extra={`${PASSWORD_POLICY_TEXT}；账号首次登录时须修改密码`}
          />
        )}
      </Form>
    </Modal>
  );
}
