import { App, Form, Input, Modal, Select } from 'antd';
import { useEffect } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useSubmit } from '../shared/useSubmit';
import { sharingApi } from './sharing-api';

interface ReportValues {
  recordKey?: string;
  itemName?: string;
  description: string;
}

/** 数据纠错: report a data error in another department's published resource (from its detail page). */
export function ErrorReportModal({
  open,
  onClose,
  resource,
}: {
  open: boolean;
  onClose(): void;
  resource: { id: string; name: string; providerName: string; items: string[] };
}) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ReportValues>();
  const { submitting, error, clearError, runValidated } = useSubmit();
  // The form is destroyed when hidden (preserve=false); only the last error needs clearing.
  useEffect(() => {
    if (open) clearError();
  }, [open, clearError]);

  return (
    <Modal
      open={open}
      title={`数据纠错：${resource.name}`}
      okText="提交纠错"
      cancelText="取消"
      confirmLoading={submitting}
      okButtonProps={{ ...({ 'data-testid': 'report-submit' } as Record<string, string>) }}
      onCancel={onClose}
      destroyOnHidden
      onOk={() =>
        void runValidated(form, async (values) => {
          await sharingApi.createErrorReport({
            resourceId: resource.id,
            recordKey: values.recordKey?.trim() || undefined,
            itemName: values.itemName || undefined,
            description: values.description.trim(),
          });
          message.success(`已提交纠错，${resource.providerName}将在规定期限内核实答复`);
          onClose();
        })
      }
    >
      <ErrorAlert error={error} testId="report-error" />
      <Form<ReportValues> form={form} layout="vertical" preserve={false}>
        <Form.Item label="记录标识（选填）" name="recordKey" extra="如统一社会信用代码、证件号码等能定位到记录的关键字">
          <Input maxLength={200} data-testid="report-record-key" />
        </Form.Item>
        <Form.Item label="有误的信息项（选填）" name="itemName">
          <Select allowClear placeholder="选择信息项" options={resource.items.map((item) => ({ value: item, label: item }))} data-testid="report-item" />
        </Form.Item>
        <Form.Item label="问题描述" name="description" rules={[{ required: true, whitespace: true, message: '请描述发现的数据问题' }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 6 }} maxLength={2000} placeholder="如：该企业已于 2025 年迁出，住所信息未更新" data-testid="report-description" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
