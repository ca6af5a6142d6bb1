import { Alert, Button, Descriptions, Modal, Space, Typography } from 'antd';
import type { ReactNode } from 'react';

/** One value of a show-once dialog: shown in a monospace cell with a copy button. */
export interface SecretField {
  key: string;
  label: string;
  value: string;
  /** Test id on the span holding the value. */
  testId: string;
  /** Test id on the copyable text (the copy button sits inside it). */
  copyTestId?: string;
  /** Context shown without a copy button (e.g. the app's name). */
  plain?: boolean;
}

/**
 * A secret right after the server issued it (an app secret, a node enrolment token): shown once, with copy
 * buttons. The platform keeps only a digest, so the dialog does not close on a stray click or Esc.
 */
export function ShowOnceSecret({
  open, title, warning, warningDetail, fields, children, closeText = '我已保存，关闭', testId, warningTestId, closeTestId, onClose,
}: {
  open: boolean;
  title: string;
  warning: string;
  warningDetail?: ReactNode;
  fields: SecretField[];
  /** Further notes under the values (expiry, how to use it). */
  children?: ReactNode;
  closeText?: string;
  testId?: string;
  warningTestId?: string;
  closeTestId?: string;
  onClose(): void;
}) {
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      maskClosable={false}
      keyboard={false}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={onClose} data-testid={closeTestId}>
          {closeText}
        </Button>
      }
    >
      {open && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid={testId}>
          <Alert type="warning" showIcon title={warning} description={warningDetail} data-testid={warningTestId} />
          <Descriptions
            bordered
            size="small"
            column={1}
            items={fields.map((f) => ({
              key: f.key,
              label: f.label,
              children: f.plain ? <span data-testid={f.testId}>{f.value}</span> : (
                <Typography.Text className="mono" copyable={{ text: f.value, tooltips: ['复制', '已复制'] }} style={{ wordBreak: 'break-all' }} data-testid={f.copyTestId}>
                  <span data-testid={f.testId}>{f.value}</span>
                </Typography.Text>
              ),
            }))}
          />
          {children}
        </Space>
      )}
    </Modal>
  );
}
