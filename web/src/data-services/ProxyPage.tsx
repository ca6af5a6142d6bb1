import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, InputNumber, Select, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useCurrentUser } from '../auth/AuthContext';
import { ErrorAlert } from '../shared/ErrorAlert';
import { formatTime } from '../shared/format';
import { useSubmit } from '../shared/useSubmit';
import { canManageResource, KindMismatch, ResourceSummary, useResourceBrief } from './DataServicesCommon';
import { dataServicesApi, type ProxyEndpointBody, type ProxyEndpointView } from './data-services-api';

interface FormValues {
  url: string;
  method: 'GET' | 'POST';
  timeoutMs: number;
  headers?: { name?: string; value?: string }[];
  clearHeaders?: boolean;
}

/** 接口代理: the upstream an 接口 resource's calls are forwarded to; header values are write-only. */
export function ProxyPage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const brief = useResourceBrief(id);
  const [form] = Form.useForm<FormValues>();
  const [saved, setSaved] = useState<ProxyEndpointView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const { submitting, error, runValidated } = useSubmit();

  const load = useCallback(async () => {
    try {
      const view = await dataServicesApi.proxyEndpoint(id);
      setSaved(view);
    } catch (e) {
      // No endpoint yet is not an error: the form starts empty.
      if (!(e instanceof ApiError && e.status === 404)) setLoadError(e);
    } finally {
      setLoaded(true);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  if (brief.error && !brief.data) {
    return (
      <Card title="接口代理">
        <ErrorAlert error={brief.error} testId="ds-error" />
        <Button onClick={() => navigate('/data-services')}>返回数据服务资源</Button>
      </Card>
    );
  }
  if (!brief.data || !loaded) return <Spin />;
  const b = brief.data;
  const canManage = canManageResource(me, b.providerOrgId) && b.published && b.kind === 'api';

  async function save(values: FormValues) {
    const headers = Object.fromEntries(
      (values.headers ?? []).filter((h) => h.name?.trim()).map((h) => [h.name!.trim(), h.value ?? '']),
    );
    const body: ProxyEndpointBody = { url: values.url.trim(), method: values.method, timeoutMs: values.timeoutMs };
    // Without new header rows the saved headers are kept (their values are never sent back to the console).
    if (Object.keys(headers).length > 0 || values.clearHeaders) body.headers = headers;
    const view = await dataServicesApi.saveProxyEndpoint(id, body);
    setSaved(view);
    form.setFieldsValue({ headers: [], clearHeaders: false });
    message.success('接口代理配置已保存');
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="proxy-page">
      <Card title="接口代理" extra={<Button onClick={() => navigate(-1)}>返回</Button>}>
        <ResourceSummary brief={b} />
        <KindMismatch brief={b} expected="api" />
        <Typography.Paragraph type="secondary">
          接口类资源的数据保留在提供部门：使用方调用平台的代理地址，平台验证签名和授权后转发到下面登记的上游接口，并按授权裁剪信息项、脱敏。上游地址和请求头不会透露给使用方。
        </Typography.Paragraph>
        <ErrorAlert error={loadError} testId="proxy-load-error" />
        {saved ? (
          <Descriptions
            bordered
            size="small"
            column={1}
            style={{ marginBottom: 16 }}
            data-testid="proxy-saved"
            items={[
              { key: 'url', label: '上游地址', children: <span className="mono" data-testid="proxy-saved-url">{saved.url}</span> },
              { key: 'method', label: '请求方法', children: saved.method },
              { key: 'timeout', label: '超时', children: `${saved.timeoutMs} 毫秒` },
              {
                key: 'headers',
                label: '请求头',
                children: (
                  <span data-testid="proxy-saved-headers">
                    {saved.headerNames.length
                      ? saved.headerNames.map((name) => <Tag key={name} data-testid="proxy-header-name">{name}</Tag>)
                      : '无'}
                    {saved.headerNames.length > 0 && <Typography.Text type="secondary">（值已加密保存，不再显示）</Typography.Text>}
                  </span>
                ),
              },
              { key: 'updated', label: '更新时间', children: formatTime(saved.updatedAt) },
            ]}
          />
        ) : (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title="尚未登记上游接口，使用方调用将失败。" data-testid="proxy-empty" />
        )}
      </Card>
      {canManage && (
        <Card title={saved ? '修改上游接口' : '登记上游接口'}>
          <ErrorAlert error={error} testId="proxy-save-error" />
          <Form<FormValues> form={form} layout="vertical" initialValues={saved ? { url: saved.url, method: saved.method, timeoutMs: saved.timeoutMs, headers: [] } : { method: 'GET', timeoutMs: 3000, headers: [] }} style={{ maxWidth: 720 }}>
            <Form.Item
              label="上游地址"
              name="url"
              rules={[
                { required: true, whitespace: true, message: '请输入上游接口地址' },
                { pattern: /^https?:\/\/\S+$/i, message: '应为 http:// 或 https:// 开头的地址' },
              ]}
            >
              <Input placeholder="https://api.example.gov.cn/v1/records" data-testid="proxy-url" />
            </Form.Item>
            <Space size="large">
              <Form.Item label="请求方法" name="method" rules={[{ required: true }]}>
                <Select style={{ width: 120 }} options={[{ value: 'GET', label: 'GET' }, { value: 'POST', label: 'POST' }]} data-testid="proxy-method" />
              </Form.Item>
              <Form.Item label="超时（毫秒）" name="timeoutMs" rules={[{ required: true, message: '请输入超时' }]}>
                <InputNumber min={100} max={60000} step={500} style={{ width: 160 }} data-testid="proxy-timeout" />
              </Form.Item>
            </Space>
            <Form.Item
              label="请求头"
              extra={saved && saved.headerNames.length > 0 ? '已保存的请求头值不再显示；不填写则保留已保存的请求头，填写则整体替换。' : '如上游需要的认证令牌；值加密保存，保存后不再显示。'}
            >
              <Form.List name="headers">
                {(fields, { add, remove }) => (
                  <Space direction="vertical" style={{ width: '100%' }}>
                    {fields.map((field, index) => (
                      <Space key={field.key} align="baseline">
                        <Form.Item name={[field.name, 'name']} noStyle rules={[{ pattern: /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, message: '请求头名称不合法' }]}>
                          <Input placeholder="名称，如 Authorization" style={{ width: 220 }} data-testid={`proxy-header-name-${index}`} />
                        </Form.Item>
                        <Form.Item name={[field.name, 'value']} noStyle>
                          <Input.Password placeholder="值" style={{ width: 320 }} autoComplete="new-password" data-testid={`proxy-header-value-${index}`} />
                        </Form.Item>
                        <MinusCircleOutlined onClick={() => remove(field.name)} />
                      </Space>
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', value: '' })} data-testid="proxy-header-add">
                      添加请求头
                    </Button>
                  </Space>
                )}
              </Form.List>
            </Form.Item>
            {saved && saved.headerNames.length > 0 && (
              <Form.Item name="clearHeaders" valuePropName="checked">
                <Checkbox data-testid="proxy-clear-headers">清除已保存的请求头（未填写新请求头时）</Checkbox>
              </Form.Item>
            )}
            <Button type="primary" loading={submitting} onClick={() => void runValidated(form, save)} data-testid="proxy-save">
              保存
            </Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}
