import { App, Button, Card, DatePicker, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { sharingApi, type CalendarDay, type SharingSettings } from './sharing-api';
import { listPagination } from '../shared/pagination';

/** 共享设置 (platform admin): review and error-report deadlines, second review, default quota; the working-day calendar. */
export function SharingSettingsPage() {
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="sharing-settings-page">
      <SettingsCard />
      <CalendarCard />
    </Space>
  );
}

function SettingsCard() {
  const { message } = App.useApp();
  const [form] = Form.useForm<SharingSettings>();
  const load = useCallback(() => sharingApi.settings(), []);
  const settings = useRemoteData<SharingSettings | null>(load, null);
  const { submitting, error, runValidated } = useSubmit();

  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);

  return (
    <Card title="共享设置" loading={settings.loading && !settings.data}>
      <MessageAlert message={settings.error} />
      <ErrorAlert error={error} testId="settings-error" />
      <Form<SharingSettings> form={form} layout="horizontal" labelCol={{ span: 6 }} wrapperCol={{ span: 12 }} style={{ maxWidth: 760 }}>
        <Form.Item label="共享申请答复期限" name="reviewDeadlineDays" rules={[{ required: true, message: '请填写答复期限' }]} extra="《政务数据共享条例》：有条件共享申请应在 10 个工作日内答复">
          <InputNumber min={1} max={60} precision={0} addonAfter="个工作日" data-testid="settings-review-days" />
        </Form.Item>
        <Form.Item label="数据纠错答复期限" name="errorReportDeadlineDays" rules={[{ required: true, message: '请填写答复期限' }]}>
          <InputNumber min={1} max={60} precision={0} addonAfter="个工作日" data-testid="settings-report-days" />
        </Form.Item>
        <Form.Item label="平台复核" name="secondReviewEnabled" valuePropName="checked" extra="开启后，提供部门同意的申请须经平台管理员复核后才生效">
          <Switch checkedChildren="开启" unCheckedChildren="关闭" data-testid="settings-second-review" />
        </Form.Item>
        <Form.Item label="默认每日调用限额" name="defaultDailyQuota" rules={[{ required: true, message: '请填写默认限额' }]}>
          <InputNumber min={1} precision={0} addonAfter="次" style={{ width: 220 }} data-testid="settings-quota" />
        </Form.Item>
        <Form.Item wrapperCol={{ offset: 6 }}>
          <Button
            type="primary"
            loading={submitting}
            data-testid="settings-save"
            onClick={() =>
              void runValidated(form, async (values) => {
                await sharingApi.saveSettings(values);
                message.success('共享设置已保存');
                await settings.reload();
              })
            }
          >
            保存设置
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

const KIND_LABELS: Record<CalendarDay['kind'], { label: string; color: string }> = {
  holiday: { label: '法定节假日', color: 'red' },
  workday: { label: '调休上班', color: 'blue' },
};

function CalendarCard() {
  const { message } = App.useApp();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const load = useCallback(() => sharingApi.calendar(year), [year]);
  const days = useRemoteData(load, [] as CalendarDay[]);
  const [date, setDate] = useState<Dayjs | null>(null);
  const [kind, setKind] = useState<CalendarDay['kind']>('holiday');
  const [name, setName] = useState('');
  const add = useSubmit();
  const remove = useSubmit();

  return (
    <Card
      title="工作日历"
      extra={
        <Select
          value={year}
          onChange={setYear}
          options={[thisYear - 1, thisYear, thisYear + 1].map((y) => ({ value: y, label: `${y} 年` }))}
          style={{ width: 120 }}
          data-testid="calendar-year"
        />
      }
    >
      <p style={{ color: '#666', marginTop: 0 }}>周六、周日默认休息；此处登记法定节假日与调休上班日，答复期限按工作日计算。</p>
      <MessageAlert message={days.error} />
      <ErrorAlert error={add.error ?? remove.error} testId="calendar-error" />
      <Space wrap style={{ marginBottom: 16 }}>
        <DatePicker value={date} onChange={setDate} placeholder="日期" data-testid="calendar-date" />
        <Select value={kind} onChange={setKind} options={Object.entries(KIND_LABELS).map(([value, { label }]) => ({ value, label }))} style={{ width: 140 }} data-testid="calendar-kind" />
        <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="名称，如 国庆节" maxLength={50} style={{ width: 200 }} data-testid="calendar-name" />
        <Button
          type="primary"
          loading={add.submitting}
          disabled={!date || name.trim() === ''}
          data-testid="calendar-add"
          onClick={() =>
            void add.run(async () => {
              await sharingApi.putCalendarDay(date!.format('YYYY-MM-DD'), kind, name.trim());
              message.success(`已登记 ${date!.format('YYYY-MM-DD')}`);
              if (date!.year() !== year) setYear(date!.year());
              else await days.reload();
              setDate(null);
              setName('');
            })
          }
        >
          添加
        </Button>
      </Space>
      <Table<CalendarDay>
        rowKey="date"
        size="small"
        loading={days.loading}
        dataSource={[...days.data].sort((a, b) => a.date.localeCompare(b.date))}
        pagination={listPagination('天')}
        data-testid="calendar-table"
        locale={{ emptyText: `${year} 年尚未登记节假日` }}
        columns={[
          { title: '日期', dataIndex: 'date', key: 'date', width: 140 },
          { title: '类型', dataIndex: 'kind', key: 'kind', width: 140, render: (k: CalendarDay['kind']) => <Tag color={KIND_LABELS[k]?.color}>{KIND_LABELS[k]?.label ?? k}</Tag> },
          { title: '名称', dataIndex: 'name', key: 'name' },
          {
            title: '操作',
            key: 'actions',
            width: 90,
            render: (_, d) => (
              <Popconfirm
                title={`删除 ${d.date}？`}
                okText="删除"
                cancelText="取消"
                onConfirm={() =>
                  remove.run(async () => {
                    await sharingApi.deleteCalendarDay(d.date);
                    message.success(`已删除 ${d.date}`);
                    await days.reload();
                  })
                }
              >
                <Button type="link" size="small" danger>删除</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
