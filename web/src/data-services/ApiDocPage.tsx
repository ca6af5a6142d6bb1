import { CheckOutlined, CloseOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert, Button, Card, Collapse, Descriptions, Empty, Input, InputNumber, Select, Space, Spin, Table, Tabs, Tag, Typography, type TableColumnsType,
} from 'antd';
import { MASKING_LABELS } from '@shared/sharing/masking';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { dataTypeLabel } from '../catalog/catalog-constants';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useRemoteRecord } from '../shared/useRemoteRecord';
import { useSubmit } from '../shared/useSubmit';
import { GrantStatusTag } from '../sharing/SharingTags';
import { CodeBlock, KindTag } from './DataServicesCommon';
import { dataServicesApi, type ApiDoc, type ApiDocField, type AppView, type TryResult } from './data-services-api';

const NO_APPS: AppView[] = [];

/** 接口文档: one resource's fields, the caller's grant, operations, OpenAPI fragment, examples and 在线调试. */
export function ApiDocPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const fetchDoc = useCallback(() => dataServicesApi.apiDoc(id), [id]);
  const doc = useRemoteRecord(fetchDoc);

  if (doc.error && !doc.data) {
    return (
      <Card title="接口文档">
        <ErrorAlert error={doc.error} testId="api-doc-error" />
        <Button onClick={() => navigate(-1)}>返回</Button>
      </Card>
    );
  }
  if (!doc.data) return <Spin />;
  const d = doc.data;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="api-doc-page">
      <Card
        title={
          <Space>
            <span>接口文档</span>
            <span data-testid="api-doc-name">{d.resource.name}</span>
            <KindTag kind={d.resource.kind} testId="api-doc-kind" />
          </Space>
        }
        extra={<Button onClick={() => navigate(-1)}>返回</Button>}
      >
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            { key: 'code', label: '信息资源代码', children: <span className="mono" data-testid="api-doc-code">{d.resource.code}</span> },
            { key: 'provider', label: '提供部门', children: d.resource.providerOrgName },
            { key: 'catalog', label: '目录', children: <Link to={`/catalog/resources/${d.resource.id}`}>查看目录信息</Link> },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          调用数据接口需使用本部门的应用（应用管理）对请求签名：请求头 X-App-Key、X-Timestamp（毫秒）、X-Nonce、X-Signature（HMAC-SM3）。只能访问授权范围内的信息项，脱敏按授权执行，每日调用次数受限额约束。
        </Typography.Paragraph>
      </Card>
      <GrantScope doc={d} />
      <Card title="信息项">
        <FieldsTable fields={d.fields} />
      </Card>
      <Card title="接口列表">
        <Table
          rowKey={(o) => `${o.method} ${o.path}`}
          size="small"
          pagination={false}
          dataSource={d.operations}
          data-testid="api-doc-operations"
          columns={[
            { title: '方法', dataIndex: 'method', key: 'method', width: 90, render: (v: string) => <Tag color={v === 'GET' ? 'blue' : 'green'}>{v}</Tag> },
            { title: '路径', dataIndex: 'path', key: 'path', render: (v: string) => <Typography.Text className="mono" copyable>{v}</Typography.Text> },
            { title: '说明', dataIndex: 'summary', key: 'summary' },
          ]}
        />
        <Collapse
          style={{ marginTop: 16 }}
          data-testid="api-doc-openapi"
          items={[
            {
              key: 'openapi',
              label: 'OpenAPI 片段（JSON）',
              children: <CodeBlock code={JSON.stringify(d.openapi, null, 2)} testId="api-doc-openapi-json" maxHeight={480} />,
            },
          ]}
        />
      </Card>
      <Card title="调用示例">
        <Tabs
          items={[
            { key: 'curl', label: 'curl', children: <CodeBlock code={d.examples.curl} testId="api-doc-curl" /> },
            { key: 'ts', label: 'TypeScript', children: <CodeBlock code={d.examples.typescript} testId="api-doc-typescript" /> },
          ]}
        />
      </Card>
      <TryIt doc={d} />
    </Space>
  );
}

function GrantScope({ doc }: { doc: ApiDoc }) {
  const g = doc.grant;
  return (
    <Card title="本部门的授权" data-testid="api-doc-grant">
      {g ? (
        <Descriptions
          bordered
          size="small"
          column={1}
          items={[
            { key: 'items', label: '授权信息项', children: <span data-testid="api-doc-grant-items">{g.items.map((i) => <Tag key={i} style={{ marginBottom: 4 }}>{i}</Tag>)}</span> },
            { key: 'period', label: '有效期', children: <span data-testid="api-doc-grant-period">{g.validFrom} 至 {g.validTo}</span> },
            { key: 'quota', label: '每日调用限额', children: <span data-testid="api-doc-grant-quota">{g.dailyQuota ? `${g.dailyQuota} 次` : '不限'}</span> },
            { key: 'status', label: '状态', children: <><GrantStatusTag status={g.status} />{g.status === 'active' && !g.effective && '（未在有效期内）'}</> },
            { key: 'app', label: '使用系统', children: g.applicationName },
          ]}
        />
      ) : (
        <Alert
          type="warning"
          showIcon
          data-testid="api-doc-no-grant"
          title="本部门尚未获得该资源的有效授权，调用将被拒绝（GRANT_REQUIRED）。"
          description={<Link to={`/catalog/resources/${doc.resource.id}`}>前往资源详情申请共享</Link>}
        />
      )}
    </Card>
  );
}

function FieldsTable({ fields }: { fields: ApiDocField[] }) {
  const columns: TableColumnsType<ApiDocField> = [
    { title: '信息项', dataIndex: 'item', key: 'item', render: (v: string) => <span data-testid="api-field-item">{v}</span> },
    { title: '数据类型', dataIndex: 'dataType', key: 'dataType', width: 130, render: (v: string) => dataTypeLabel(v) },
    { title: '长度', dataIndex: 'length', key: 'length', width: 80, render: (v: number | null) => v ?? '-' },
    { title: '主键', dataIndex: 'key', key: 'key', width: 70, render: (v: boolean) => (v ? <Tag color="blue">主键</Tag> : null) },
    {
      title: '已授权',
      dataIndex: 'granted',
      key: 'granted',
      width: 80,
      render: (v: boolean) =>
        v ? (
          <CheckOutlined style={{ color: '#52c41a' }} aria-label="已授权" data-testid="api-field-granted" data-granted="true" />
        ) : (
          <CloseOutlined style={{ color: '#bfbfbf' }} aria-label="未授权" data-testid="api-field-granted" data-granted="false" />
        ),
    },
    {
      title: '脱敏',
      dataIndex: 'masking',
      key: 'masking',
      width: 260,
      render: (v: ApiDocField['masking']) => <span data-testid="api-field-masking">{v ? MASKING_LABELS[v] ?? v : '-'}</span>,
    },
  ];
  return <Table<ApiDocField> rowKey="item" size="small" pagination={false} dataSource={fields} columns={columns} data-testid="api-doc-fields" />;
}

interface Pair {
  name: string;
  value: string;
}

function PairRows({ rows, onChange, names, prefix, namePlaceholder }: { rows: Pair[]; onChange(rows: Pair[]): void; names: string[]; prefix: string; namePlaceholder: string }) {
  const listId = `${prefix}-names`;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <datalist id={listId}>
        {names.map((n) => <option key={n} value={n} />)}
      </datalist>
      {rows.map((row, i) => (
        <Space key={i} align="baseline">
          <Input
            value={row.name}
            list={listId}
            placeholder={namePlaceholder}
            style={{ width: 220 }}
            onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
            data-testid={`${prefix}-name-${i}`}
          />
          <span>=</span>
          <Input
            value={row.value}
            placeholder="值"
            style={{ width: 260 }}
            onChange={(e) => onChange(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
            data-testid={`${prefix}-value-${i}`}
          />
          <MinusCircleOutlined onClick={() => onChange(rows.filter((_, j) => j !== i))} />
        </Space>
      ))}
      <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => onChange([...rows, { name: '', value: '' }])} data-testid={`${prefix}-add`}>
        添加
      </Button>
    </Space>
  );
}

const toObject = (rows: Pair[]) => Object.fromEntries(rows.filter((r) => r.name.trim()).map((r) => [r.name.trim(), r.value]));

/** 在线调试: the server signs the call with one of the department's applications and runs it through the real path. */
function TryIt({ doc }: { doc: ApiDoc }) {
  const me = useCurrentUser();
  const member = hasRole(me.roles, 'dept_admin') || hasRole(me.roles, 'dept_user');
  const apps = useRemoteData(dataServicesApi.apps, NO_APPS);
  const activeApps = apps.data.filter((a) => a.status === 'active' && a.orgId === me.orgId);
  const [appId, setAppId] = useState<string | undefined>();
  const [opIndex, setOpIndex] = useState(0);
  const op = doc.operations[opIndex];
  const [method, setMethod] = useState<'GET' | 'POST'>('GET');
  const [path, setPath] = useState('');
  const [filters, setFilters] = useState<Pair[]>([{ name: '', value: '' }]);
  const [fields, setFields] = useState<string[]>([]);
  const [limit, setLimit] = useState<number | null>(10);
  const [keyRows, setKeyRows] = useState<Pair[]>([]);
  const [claims, setClaims] = useState<Pair[]>([{ name: '', value: '' }]);
  const [bodyText, setBodyText] = useState('{}');
  const [result, setResult] = useState<TryResult | null>(null);
  const { submitting, error, run } = useSubmit();

  const granted = useMemo(() => doc.fields.filter((f) => f.granted).map((f) => f.item), [doc.fields]);
  const keyItems = useMemo(() => doc.fields.filter((f) => f.key).map((f) => f.item), [doc.fields]);

  useEffect(() => {
    if (!appId && activeApps.length > 0) setAppId(activeApps[0]!.id);
  }, [activeApps, appId]);
  useEffect(() => {
    if (!op) return;
    setMethod(op.method.toUpperCase() === 'POST' ? 'POST' : 'GET');
    // Path templates of file versions: try the latest one.
    setPath(op.path.replace(/\{versionNo(\|latest)?\}/g, 'latest'));
    setResult(null);
  }, [op]);
  useEffect(() => setKeyRows(keyItems.map((name) => ({ name, value: '' }))), [keyItems]);

  if (!member) {
    return (
      <Card title="在线调试">
        <Typography.Text type="secondary">在线调试需使用本部门的应用签名调用，仅部门用户可用。</Typography.Text>
      </Card>
    );
  }

  const isVerify = path.includes('/verify/');
  const isQuery = path.includes('/data/');

  function run_() {
    void run(async () => {
      if (!appId) throw new Error('请选择一个应用');
      let query: Record<string, string> | undefined;
      let body: unknown;
      if (isVerify) {
        body = { key: toObject(keyRows), claims: toObject(claims) };
      } else if (method === 'POST') {
        try {
          body = bodyText.trim() ? JSON.parse(bodyText) : undefined;
        } catch {
          throw new Error('请求体不是合法的 JSON');
        }
        query = toObject(filters);
      } else {
        query = toObject(filters);
        if (isQuery && fields.length) query.fields = fields.join(',');
        if (isQuery && limit) query.limit = String(limit);
      }
      setResult(await dataServicesApi.tryCall({ appId, method, path: path.trim(), ...(query && Object.keys(query).length ? { query } : {}), ...(body !== undefined ? { body } : {}) }));
    });
  }

  return (
    <Card title="在线调试" data-testid="try-it">
      <Typography.Paragraph type="secondary">
        由平台使用所选应用的密钥签名并按真实路径调用（计入调用日志和每日限额）。
      </Typography.Paragraph>
      {activeApps.length === 0 && !apps.loading && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} data-testid="try-no-app" title="本部门还没有启用的应用" description={<Link to="/data-services/apps">前往应用管理</Link>} />
      )}
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap>
          <span>应用：</span>
          <Select
            value={appId}
            onChange={setAppId}
            options={activeApps.map((a) => ({ value: a.id, label: `${a.name}（${a.appKey}）` }))}
            placeholder="选择本部门的应用"
            style={{ width: 360 }}
            data-testid="try-app"
          />
          <span>接口：</span>
          <Select
            value={op ? opIndex : undefined}
            onChange={setOpIndex}
            options={doc.operations.map((o, i) => ({ value: i, label: `${o.method} ${o.summary}` }))}
            style={{ width: 260 }}
            data-testid="try-operation"
          />
        </Space>
        <Space.Compact style={{ width: '100%', maxWidth: 720 }}>
          <Select value={method} onChange={setMethod} options={[{ value: 'GET', label: 'GET' }, { value: 'POST', label: 'POST' }]} style={{ width: 100 }} data-testid="try-method" />
          <Input value={path} onChange={(e) => setPath(e.target.value)} className="mono" data-testid="try-path" />
        </Space.Compact>
        {isVerify ? (
          <>
            <Typography.Text strong>主键（key）</Typography.Text>
            <PairRows rows={keyRows} onChange={setKeyRows} names={keyItems} prefix="try-key" namePlaceholder="主键信息项" />
            <Typography.Text strong>待核验的值（claims）</Typography.Text>
            <PairRows rows={claims} onChange={setClaims} names={granted} prefix="try-claim" namePlaceholder="信息项" />
          </>
        ) : (
          <>
            <Typography.Text strong>{isQuery ? '筛选条件（信息项=值，也可用 信息项__in、__gte、__lte、__prefix）' : '查询参数'}</Typography.Text>
            <PairRows rows={filters} onChange={setFilters} names={isQuery ? granted : []} prefix="try-filter" namePlaceholder={isQuery ? '信息项' : '参数名'} />
            {isQuery && (
              <Space wrap>
                <span>返回信息项（fields）：</span>
                <Select mode="multiple" value={fields} onChange={setFields} options={granted.map((g) => ({ value: g, label: g }))} placeholder="默认全部已授权信息项" style={{ minWidth: 320 }} data-testid="try-fields" />
                <span>条数（limit）：</span>
                <InputNumber min={1} max={1000} value={limit} onChange={(v) => setLimit(v)} data-testid="try-limit" />
              </Space>
            )}
            {method === 'POST' && (
              <>
                <Typography.Text strong>请求体（JSON）</Typography.Text>
                <Input.TextArea value={bodyText} onChange={(e) => setBodyText(e.target.value)} autoSize={{ minRows: 3, maxRows: 10 }} className="mono" data-testid="try-body-input" />
              </>
            )}
          </>
        )}
        <Button type="primary" onClick={run_} loading={submitting} disabled={!appId || !path.trim()} data-testid="try-run">
          发送请求
        </Button>
        <ErrorAlert error={error} testId="try-error" />
        {result && (
          <div data-testid="try-result">
            <Space style={{ marginBottom: 8 }}>
              <span>响应状态：</span>
              <Tag color={result.status < 400 ? 'green' : 'red'} data-testid="try-status">{result.status}</Tag>
            </Space>
            <Descriptions
              bordered
              size="small"
              column={1}
              title="签名请求头"
              data-testid="try-headers"
              items={Object.entries(result.signedHeaders).map(([name, value]) => ({ key: name, label: name, children: <span className="mono" style={{ wordBreak: 'break-all' }}>{value}</span> }))}
            />
            <Typography.Text strong style={{ display: 'block', margin: '12px 0 8px' }}>响应体</Typography.Text>
            {result.body === undefined || result.body === null ? <Empty description="无响应体" /> : <CodeBlock code={JSON.stringify(result.body, null, 2)} testId="try-body" />}
          </div>
        )}
      </Space>
    </Card>
  );
}
