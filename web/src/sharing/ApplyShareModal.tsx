import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, DatePicker, Form, Input, Modal, Result, Space, Upload, type UploadFile } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { useSubmit } from '../shared/useSubmit';
import { DeadlineCountdown, deadlineDate } from './SharingTags';
import { sharingApi, type ShareRequestDetail } from './sharing-api';

interface ApplyValues {
  items: string[];
  purpose: string;
  basis: string;
  applicationName: string;
  period: [Dayjs, Dayjs];
}

const ACCEPT = '.pdf,.ofd,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png';
const MAX_BYTES = 20 * 1024 * 1024;

interface Outcome {
  request: ShareRequestDetail;
  uploadFailures: string[];
  skippedFiles: number;
}

/**
 * 申请共享: choose info items and state 用途, 依据, 使用系统 and 使用期限, with attachments (uploaded once the
 * request exists, while it is pending). 无条件共享 is granted at once; 有条件共享 shows the review deadline.
 */
export function ApplyShareModal({
  open,
  onClose,
  resource,
}: {
  open: boolean;
  onClose(): void;
  resource: { id: string; name: string; providerName: string; shareType: string; shareCondition: string; items: string[] };
}) {
  const navigate = useNavigate();
  const [form] = Form.useForm<ApplyValues>();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const { submitting, error, clearError, runValidated } = useSubmit();
  const selected = Form.useWatch('items', form) ?? [];

  function close() {
    setOutcome(null);
    setFiles([]);
    clearError();
    form.resetFields();
    onClose();
  }

  const submit = () =>
    runValidated(form, async (values) => {
      const created = await sharingApi.createRequest({
        resourceId: resource.id,
        items: values.items,
        purpose: values.purpose.trim(),
        basis: values.basis.trim(),
        applicationName: values.applicationName.trim(),
        validFrom: values.period[0].format('YYYY-MM-DD'),
        validTo: values.period[1].format('YYYY-MM-DD'),
      });
      // Attachments can be added only while the request waits for review (无条件共享 is granted at once).
      const uploadFailures: string[] = [];
      let skippedFiles = 0;
      if (created.status === 'pending') {
        for (const f of files) {
          try {
            await sharingApi.uploadAttachment(created.id, f.originFileObj as File);
          } catch (e) {
            uploadFailures.push(`${f.name}：${describeError(e)}`);
          }
        }
      } else {
        skippedFiles = files.length;
      }
      const request = await sharingApi.getRequest(created.id);
      setOutcome({ request, uploadFailures, skippedFiles });
    });

  const footer = outcome
    ? [
        <Button key="close" onClick={close}>关闭</Button>,
        outcome.request.status === 'approved' ? (
          <Button key="grants" type="primary" onClick={() => navigate('/sharing/grants')} data-testid="apply-go-grants">查看我获得的授权</Button>
        ) : (
          <Button key="detail" type="primary" onClick={() => navigate(`/sharing/requests/${outcome.request.id}`)} data-testid="apply-go-request">查看申请</Button>
        ),
      ]
    : [
        <Button key="cancel" onClick={close}>取消</Button>,
        <Button key="submit" type="primary" loading={submitting} onClick={() => void submit()} data-testid="apply-submit">提交申请</Button>,
      ];

  return (
    <Modal open={open} title={`申请共享“${resource.name}”`} width={760} onCancel={close} footer={footer} destroyOnHidden data-testid="apply-modal">
      {outcome ? (
        <ApplyOutcome outcome={outcome} />
      ) : (
        <>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={`提供部门：${resource.providerName} · ${resource.shareType}`}
            description={
              resource.shareType === '无条件共享'
                ? '无条件共享资源提交后即自动授权，无需提供部门审核。'
                : `有条件共享资源需提供部门审核。共享条件：${resource.shareCondition}`
            }
          />
          <ErrorAlert error={error} testId="apply-error" />
          <Form<ApplyValues>
            form={form}
            layout="vertical"
            initialValues={{ items: resource.items, period: [dayjs(), dayjs().add(1, 'year')] }}
          >
            <Form.Item
              label={
                <Space>
                  <span>申请的信息项（已选 {selected.length} / {resource.items.length}）</span>
                  <Checkbox
                    checked={selected.length === resource.items.length}
                    indeterminate={selected.length > 0 && selected.length < resource.items.length}
                    onChange={(e) => form.setFieldValue('items', e.target.checked ? resource.items : [])}
                    data-testid="apply-items-all"
                  >
                    全选
                  </Checkbox>
                </Space>
              }
              name="items"
              rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个信息项' }]}
            >
              <Checkbox.Group options={resource.items.map((name) => ({ value: name, label: name }))} data-testid="apply-items" />
            </Form.Item>
            <Form.Item label="用途" name="purpose" rules={[{ required: true, whitespace: true, message: '请填写数据用途' }]}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={1000} placeholder="如：企业登记时核验法定代表人身份" data-testid="apply-purpose" />
            </Form.Item>
            <Form.Item label="依据（法律法规或履职依据）" name="basis" rules={[{ required: true, whitespace: true, message: '请填写申请依据' }]}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={1000} placeholder="如：《市场主体登记管理条例》第十六条" data-testid="apply-basis" />
            </Form.Item>
            <Form.Item label="使用系统/应用" name="applicationName" rules={[{ required: true, whitespace: true, message: '请填写使用数据的系统或应用' }]}>
              <Input maxLength={200} placeholder="如：市场主体登记系统" data-testid="apply-application" />
            </Form.Item>
            <Form.Item
              label="使用期限"
              name="period"
              rules={[
                { required: true, message: '请选择使用期限' },
                {
                  validator: (_, v: [Dayjs, Dayjs] | null) =>
                    v && v[1].isBefore(dayjs(), 'day') ? Promise.reject(new Error('截止日期不能早于今天')) : Promise.resolve(),
                },
              ]}
            >
              <DatePicker.RangePicker allowClear={false} data-testid="apply-period" />
            </Form.Item>
            <Form.Item label="附件（公函、依据文件等，选填）" extra="支持 pdf、ofd、doc(x)、xls(x)、jpg、png，单个文件不超过 20 MB；提交申请后上传。">
              <Upload
                multiple
                accept={ACCEPT}
                fileList={files}
                beforeUpload={(file) => {
                  if (file.size > MAX_BYTES) {
                    Modal.warning({ title: '文件过大', content: `“${file.name}”超过 20 MB，无法上传。` });
                    return Upload.LIST_IGNORE;
                  }
                  return false;
                }}
                onChange={({ fileList }) => setFiles(fileList)}
              >
                <Button icon={<UploadOutlined />} data-testid="apply-attach">选择文件</Button>
              </Upload>
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}

function ApplyOutcome({ outcome }: { outcome: Outcome }) {
  const { request, uploadFailures, skippedFiles } = outcome;
  const granted = request.status === 'approved';
  return (
    <div data-testid="apply-outcome" data-status={request.status}>
      {granted ? (
        <Result
          status="success"
          title="已获得授权"
          subTitle={`“${request.resourceName}”为无条件共享资源，申请已自动通过，授权即时生效（${request.validFrom} 至 ${request.decision?.validTo ?? request.validTo}）。`}
        />
      ) : (
        <Result
          status="info"
          title="申请已提交，等待提供部门审核"
          subTitle={
            <Space direction="vertical" size={4}>
              <span>
                {request.providerName}应在 <strong data-testid="apply-deadline">{deadlineDate(request.deadline)}</strong> 前答复
              </span>
              <DeadlineCountdown value={request} />
            </Space>
          }
        />
      )}
      {skippedFiles > 0 && <Alert type="info" showIcon title={`无条件共享无需审核材料，${skippedFiles} 个附件未上传。`} />}
      {uploadFailures.length > 0 && (
        <Alert type="warning" showIcon title="部分附件上传失败，可在申请详情中查看" description={uploadFailures.join('；')} data-testid="apply-upload-failures" />
      )}
    </div>
  );
}
