import { Form, Input, type FormRule } from 'antd';
import type { ReactNode } from 'react';
import { PASSWORD_POLICY_TEXT, passwordPolicyError } from './password-policy';

/** Early feedback against the password policy; an empty value is left to the `required` rule. */
const policyRule: FormRule = {
  validator: (_, value: string | undefined) => {
    const problem = value ? passwordPolicyError(value) : null;
    return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
  },
};

interface Props {
  /** Field name of the new password. */
  name: string;
  /** Test id of the new-password input. */
  testId: string;
  label?: string;
  requiredMessage?: string;
  extra?: ReactNode;
  /** Adds a "confirm new password" field that must repeat the new one. */
  confirm?: { name: string; testId: string };
}

/** The new-password field with the password policy rule, optionally followed by a confirmation field. */
export function NewPasswordFields({
  name,
  testId,
  label = '新密码',
  requiredMessage = '请输入新密码',
  extra = PASSWORD_POLICY_TEXT,
  confirm,
}: Props) {
  return (
    <>
      <Form.Item label={label} name={name} extra={extra} rules={[{ required: true, message: requiredMessage }, policyRule]}>
        <Input.Password autoComplete="new-password" data-testid={testId} />
      </Form.Item>
      {confirm && (
        <Form.Item
          label="确认新密码"
          name={confirm.name}
          dependencies={[name]}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                !value || value === getFieldValue(name) ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致')),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid={confirm.testId} />
        </Form.Item>
      )}
    </>
  );
}
