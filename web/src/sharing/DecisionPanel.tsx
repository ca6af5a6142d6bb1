import { App, Button, Checkbox, DatePicker, Form, InputNumber, Modal, Select, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { MASKING_OPTIONS } from './SharingTags';
import { sharingApi, type MaskingRule, type ShareRequestDetail, type SharingSettings } from './sharing-api';
import { ReasonInput } from '../shared/ReasonInput';

interface ApproveValues {
  items: string[];
  validTo: Dayjs;
  masking: Record<string, MaskingRule | undefined>;
  dailyQuota: number | null;
}

/** A guess of the masking rule from the item's name (DOMAIN.md §6); the reviewer decides. */
export function suggestedMasking(item: string): MaskingRule | undefined {
  if (/身份号码|证件号码|身份证/.test(item)) return 'idNumber';
  if (/手机|电话/.test(item)) return 'mobile';
  if (/银行卡|账号/.test(item)) return 'bankCard';
  if (/^姓名$|人姓名$/.test(item)) return 'name';
  return undefined;
}

/**
 * 同意 (optionally narrowing the items and the period, with per-item 脱敏 and a 每日调用限额) or 拒绝 (reason
 * required), for the provider's dept_admin while pending and the platform admin at 待复核.
 */
export function DecisionPanel({ request, onDecided }: { request: ShareRequestDetail; onDecided(): void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ApproveValues>();
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');
  const approve = useSubmit();
  const refuse = useSubmit();
  const loadSettings = useCallback(() => sharingApi.settings(), []);
  const settings = useRemoteData<SharingSettings | null>(loadSettings, null);
  const chosen: string[] = Form.useWatch('items', form) ?? request.items;
  const secondReview = request.status === 'second_review';

  // At 待复核 the provider's decision is the starting point.
  const start = request.decision;
  const initialValues: Partial<ApproveValues> = {
    items: start?.items ?? request.items,
    validTo: dayjs(start?.validTo ?? request.validTo),
    masking: Object.fromEntries(request.items.map((item) => [item, start ? start.masking[item] : undefined])),
    dailyQuota: start?.dailyQuota ?? null,
  };

  const submitApprove = () =>
    approve.runValidated(form, async (values) => {
      const items = values.items;
      const masking = Object.fromEntries(
        Object.entries(values.masking ?? {}).filter(([item, rule]) => rule && items.includes(item)),
      ) as Record<string, MaskingRule>;
      const quota = values.dailyQuota ?? settings.data?.defaultDailyQuota;
      await sharingApi.decide(request.id, {
        approve: true,
        items,
        validTo: values.validTo.format('YYYY-MM-DD'),
        masking,
        ...(quota ? { dailyQuota: quota } : {}),
      });
      message.success(secondReview ? '已复核同意，授权生效' : '已同意该申请');
      onDecided();
    });

  return (
    <div data-testid="decision-panel">
      <ErrorAlert error={approve.error} testId="decision-error" />
      <Form<ApproveValues> form={form} layout="vertical" initialValues={initialValues}>
        <Form.Item label="同意提供的信息项（可缩减）" name="items" rules={[{ required: true, type: 'array', min: 1, message: '请至少保留一个信息项' }]}>
          <Checkbox.Group options={request.items.map((item) => ({ value: item, label: item }))} data-testid="decision-items" />
        </Form.Item>
        <Form.Item label="脱敏规则（按信息项）">
          <Table
            rowKey="item"
            size="small"
            pagination={false}
            data-testid="decision-masking"
            dataSource={request.items.filter((item) => chosen.includes(item)).map((item) => ({ item }))}
            columns={[
              { title: '信息项', dataIndex: 'item', key: 'item' },
              {
                title: '脱敏方式',
                key: 'rule',
                width: 260,
                render: (_, row) => (
                  <Form.Item name={['masking', row.item]} noStyle>
                    <Select
                      allowClear
                      placeholder={suggestedMasking(row.item) ? `不脱敏（建议：${MASKING_OPTIONS.find((o) => o.value === suggestedMasking(row.item))?.label}）` : '不脱敏'}
                      options={MASKING_OPTIONS}
                      style={{ width: 240 }}
                      data-testid={`masking-${row.item}`}
                    />
                  </Form.Item>
                ),
              },
            ]}
          />
        </Form.Item>
        <Space size={24} wrap>
          <Form.Item
            label={`截止日期（不晚于申请的 ${request.validTo}）`}
            name="validTo"
            rules={[{ required: true, message: '请选择截止日期' }]}
          >
            <DatePicker
              allowClear={false}
              disabledDate={(d) => d.isAfter(dayjs(request.validTo), 'day') || d.isBefore(dayjs(), 'day')}
              data-testid="decision-valid-to"
            />
          </Form.Item>
          <Form.Item label="每日调用限额（次）" name="dailyQuota">
            <InputNumber
              min={1}
              precision={0}
              style={{ width: 200 }}
              placeholder={settings.data ? `默认 ${settings.data.defaultDailyQuota}` : '默认限额'}
              data-testid="decision-quota"
            />
          </Form.Item>
        </Space>
      </Form>
      <Space>
        <Button type="primary" loading={approve.submitting} onClick={() => void submitApprove()} data-testid="decision-approve">
          {secondReview ? '复核同意' : '同意'}
        </Button>
        <Button
          danger
          onClick={() => {
            setReason('');
            refuse.clearError();
            setRefusing(true);
          }}
          data-testid="decision-refuse"
        >
          拒绝
        </Button>
      </Space>
      <Modal
        open={refusing}
        title={`拒绝“${request.applicantOrgName}”的申请`}
        okText="确认拒绝"
        cancelText="取消"
        confirmLoading={refuse.submitting}
        okButtonProps={{ danger: true, disabled: reason.trim() === '', ...({ 'data-testid': 'refuse-confirm' } as Record<string, string>) }}
        onCancel={() => setRefusing(false)}
        destroyOnHidden
        onOk={() =>
          void refuse.run(async () => {
            await sharingApi.decide(request.id, { approve: false, reason: reason.trim() });
            message.success('已拒绝该申请');
            setRefusing(false);
            onDecided();
          })
        }
      >
        <Typography.Paragraph type="secondary">拒绝须说明理由，理由将告知申请部门。</Typography.Paragraph>
        <ErrorAlert error={refuse.error} testId="refuse-error" />
        <ReasonInput value={reason} onChange={setReason} placeholder="拒绝理由（必填），如：申请用途与所需信息项不符" testId="refuse-reason" />
      </Modal>
    </div>
  );
}
