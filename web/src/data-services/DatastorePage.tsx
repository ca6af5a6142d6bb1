import { InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert, App, Button, Card, Descriptions, Empty, Progress, Radio, Select, Space, Spin, Table, Tag, Typography, Upload, type TableColumnsType,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, type UploadProgress } from '../api/client';
import { useCurrentUser } from '../auth/AuthContext';
import { dataTypeLabel } from '../catalog/catalog-constants';
import { ErrorAlert } from '../shared/ErrorAlert';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { useRemoteRecord } from '../shared/useRemoteRecord';
import { useSubmit } from '../shared/useSubmit';
import { canManageResource, KindMismatch, ResourceSummary, useResourceBrief } from './DataServicesCommon';
import {
  dataServicesApi, formatBytes, LOAD_MODE_LABELS, LOAD_STATUS, num, type DatastoreColumn, type DatastoreView, type LoadError, type LoadMode,
  type LoadView,
} from './data-services-api';

const NO_LOADS: LoadView[] = [];
const ACCEPT = '.csv,.xlsx,.jsonl,.ndjson';
const POLL_MS = 500;

/** A v4 UUID for the load id the console polls by (crypto.randomUUID needs a secure context). */
export function newLoadId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 数据装载: a 库表 resource's table definition, loads with progress and their report, and the load history. */
export function DatastorePage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const brief = useResourceBrief(id);
  const fetchStore = useCallback(() => dataServicesApi.datastore(id), [id]);
  const store = useRemoteRecord(fetchStore);
  const fetchLoads = useCallback(() => dataServicesApi.loads(id), [id]);
  const loads = useRemoteData(fetchLoads, NO_LOADS);

  if (brief.error && !brief.data) {
    return (
      <Card title="数据装载">
        <ErrorAlert error={brief.error} testId="ds-error" />
        <Button onClick={() => navigate('/data-services')}>返回数据服务资源</Button>
      </Card>
    );
  }
  if (!brief.data) return <Spin />;
  const b = brief.data;
  const canManage = canManageResource(me, b.providerOrgId);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="datastore-page">
      <Card title="数据装载" extra={<Button onClick={() => navigate(-1)}>返回</Button>}>
        <ResourceSummary brief={b} />
        <KindMismatch brief={b} expected="table" />
        {!!store.error && !store.data && <ErrorAlert error={store.error} testId="datastore-error" />}
        {store.data && <StoreSummary store={store.data} />}
      </Card>
      {store.data && b.kind === 'table' && (
        <TableDefinition store={store.data} canManage={canManage} onSaved={(v) => store.setData(v)} />
      )}
      {store.data?.exists && canManage && (
        <LoadPanel
          resourceId={id}
          store={store.data}
          onFinished={() => {
            void store.reload();
            void loads.reload();
          }}
        />
      )}
      {store.data?.exists && <LoadHistory loads={loads.data} loading={loads.loading} error={loads.error} onReload={() => void loads.reload()} />}
    </Space>
  );
}

function StoreSummary({ store }: { store: DatastoreView }) {
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, md: 2 }}
      data-testid="datastore-summary"
      items={[
        {
          key: 'state',
          label: '数据表',
          children: store.exists ? <Tag color="green" data-testid="datastore-state">已创建</Tag> : <Tag data-testid="datastore-state">未创建</Tag>,
        },
        { key: 'table', label: '表名', children: <span className="mono">{store.tableName ?? '-'}</span> },
        { key: 'rows', label: '数据行数', children: <span data-testid="datastore-rows">{num(store.rowCount)}</span> },
        { key: 'last', label: '最近装载', children: formatTime(store.lastLoadedAt) },
        { key: 'key', label: '主键', children: store.keyItems.length ? store.keyItems.map((k) => <Tag key={k} color="blue">{k}</Tag>) : '-' },
      ]}
    />
  );
}

function TableDefinition({ store, canManage, onSaved }: { store: DatastoreView; canManage: boolean; onSaved(view: DatastoreView): void }) {
  const { message } = App.useApp();
  const [keyItems, setKeyItems] = useState<string[]>(store.keyItems);
  const { submitting, error, run } = useSubmit();
  useEffect(() => setKeyItems(store.keyItems), [store.keyItems]);

  const allItems = [...store.columns.map((c) => c.item), ...store.pendingItems];
  const keyLocked = store.exists && num(store.rowCount) > 0;
  const keyChanged = keyItems.length !== store.keyItems.length || keyItems.some((k) => !store.keyItems.includes(k));
  const needsSave = !store.exists || store.pendingItems.length > 0 || keyChanged;

  const columns: TableColumnsType<DatastoreColumn> = [
    { title: '信息项', dataIndex: 'item', key: 'item', render: (v: string) => <span data-testid="datastore-column-item">{v}</span> },
    { title: '数据类型', dataIndex: 'dataType', key: 'dataType', width: 140, render: (v: string) => dataTypeLabel(v) },
    { title: '长度', dataIndex: 'length', key: 'length', width: 80, render: (v: number | null) => v ?? '-' },
    { title: '列名', dataIndex: 'column', key: 'column', width: 100, render: (v: string) => <span className="mono">{v}</span> },
    { title: '主键', key: 'key', width: 80, render: (_, c) => (store.keyItems.includes(c.item) ? <Tag color="blue">主键</Tag> : null) },
  ];

  return (
    <Card title="表结构" data-testid="datastore-definition">
      <ErrorAlert error={error} testId="datastore-define-error" />
      {store.columns.length > 0 ? (
        <Table<DatastoreColumn> rowKey="item" size="small" pagination={false} dataSource={store.columns} columns={columns} data-testid="datastore-columns" />
      ) : (
        <Typography.Paragraph type="secondary">尚未创建数据表。选择主键后创建，数据表的列按已发布版本的信息项生成。</Typography.Paragraph>
      )}
      {store.pendingItems.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 16 }}
          data-testid="datastore-pending"
          title={store.exists ? `已发布版本新增了 ${store.pendingItems.length} 个信息项，保存后将为其添加列：` : `将按以下 ${store.pendingItems.length} 个信息项创建数据表：`}
          description={store.pendingItems.map((item) => <Tag key={item} style={{ marginBottom: 4 }}>{item}</Tag>)}
        />
      )}
      {canManage && (
        <Space wrap style={{ marginTop: 16 }}>
          <span>主键信息项：</span>
          <Select
            mode="multiple"
            value={keyItems}
            onChange={setKeyItems}
            options={allItems.map((item) => ({ value: item, label: item }))}
            disabled={keyLocked}
            placeholder="选择一个或多个信息项作为主键"
            style={{ minWidth: 320 }}
            data-testid="datastore-key-items"
          />
          <Button
            type="primary"
            loading={submitting}
            disabled={!needsSave || keyItems.length === 0}
            onClick={() =>
              void run(async () => {
                const view = await dataServicesApi.defineDatastore(store.resourceId, keyItems);
                message.success(store.exists ? '表结构已保存' : '数据表已创建');
                onSaved(view);
              })
            }
            data-testid="datastore-save"
          >
            {store.exists ? '保存表结构' : '创建数据表'}
          </Button>
          {keyLocked && <Typography.Text type="secondary">表中已有数据，主键不能再修改。</Typography.Text>}
        </Space>
      )}
    </Card>
  );
}

type Phase = 'idle' | 'running' | 'done';

function LoadPanel({ resourceId, store, onFinished }: { resourceId: string; store: DatastoreView; onFinished(): void }) {
  const [mode, setMode] = useState<LoadMode>('upsert');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [upload, setUpload] = useState<UploadProgress | null>(null);
  const [server, setServer] = useState<LoadView | null>(null);
  const [result, setResult] = useState<LoadView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [errorRows, setErrorRows] = useState<LoadError[]>([]);
  const poll = useRef<number | null>(null);

  const stopPolling = useCallback(() => {
    if (poll.current !== null) window.clearInterval(poll.current);
    poll.current = null;
  }, []);
  useEffect(() => stopPolling, [stopPolling]);

  async function start() {
    if (!file) return;
    const loadId = newLoadId();
    setPhase('running');
    setUpload({ loaded: 0, total: file.size, percent: 0 });
    setServer(null);
    setResult(null);
    setError(null);
    setErrorRows([]);
    // The server's progress while it reads the upload; 404 until the load has started.
    poll.current = window.setInterval(() => {
      dataServicesApi.loadStatus(loadId).then(
        (view) => {
          if (poll.current !== null) setServer(view);
        },
        () => undefined,
      );
    }, POLL_MS);
    try {
      const view = await dataServicesApi.load(resourceId, file, mode, loadId, setUpload);
      setResult(view);
      setErrorRows(view.errors ?? []);
    } catch (e) {
      setError(e);
      const rows = e instanceof ApiError && Array.isArray(e.body.errors) ? (e.body.errors as LoadError[]) : [];
      setErrorRows(rows);
    } finally {
      stopPolling();
      setPhase('done');
      onFinished();
    }
  }

  const serverPercent = server && num(server.bytes) > 0 ? Math.min(100, Math.round((num(server.bytesRead) / num(server.bytes)) * 100)) : null;
  const failed = result?.status === 'failed';

  return (
    <Card title="装载数据" data-testid="datastore-load">
      <Typography.Paragraph type="secondary">
        支持 CSV（UTF-8）、Excel（.xlsx，第一个工作表）和 JSON Lines（每行一个对象）。CSV/Excel 第一行为表头，使用目录中的信息项名称，须包含主键（{store.keyItems.join('、') || '-'}）。
        装载是原子的：任何一行校验失败，数据都不会改变。
      </Typography.Paragraph>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Radio.Group
          value={mode}
          onChange={(e) => setMode(e.target.value as LoadMode)}
          disabled={phase === 'running'}
          data-testid="load-mode"
          options={[
            { value: 'replace', label: <span data-testid="load-mode-replace">{LOAD_MODE_LABELS.replace}（表中数据替换为文件内容）</span> },
            { value: 'upsert', label: <span data-testid="load-mode-upsert">{LOAD_MODE_LABELS.upsert}（按主键新增或更新）</span> },
          ]}
        />
        <Upload.Dragger
          accept={ACCEPT}
          maxCount={1}
          disabled={phase === 'running'}
          fileList={file ? [{ uid: 'file', name: file.name, size: file.size, status: 'done' }] : []}
          beforeUpload={(f) => {
            setFile(f);
            setPhase('idle');
            return false;
          }}
          onRemove={() => setFile(null)}
          data-testid="load-file"
        >
          <p className="ant-upload-drag-icon"><InboxOutlined /></p>
          <p className="ant-upload-text">点击或拖拽文件到此处（.csv / .xlsx / .jsonl）</p>
        </Upload.Dragger>
        <Button type="primary" disabled={!file || phase === 'running'} loading={phase === 'running'} onClick={() => void start()} data-testid="load-start">
          开始装载
        </Button>
        {phase !== 'idle' && upload && (
          <div data-testid="load-progress">
            <div>上传进度</div>
            <div data-testid="load-upload-progress" data-percent={upload.percent}>
              <Progress percent={upload.percent} status={phase === 'running' && upload.percent < 100 ? 'active' : undefined} />
            </div>
            <div>服务器处理进度</div>
            <div data-testid="load-server-progress" data-percent={result ? 100 : serverPercent ?? 0}>
              <Progress percent={result ? 100 : serverPercent ?? 0} status={result ? (failed ? 'exception' : 'success') : error ? 'exception' : 'active'} />
            </div>
            {server && (
              <Typography.Text type="secondary" data-testid="load-server-detail">
                已读取 {formatBytes(server.bytesRead)} / {formatBytes(server.bytes)}，已处理 {num(server.totalRows)} 行
              </Typography.Text>
            )}
          </div>
        )}
        {error !== null && <ErrorAlert error={error} testId="load-error" />}
        {result && (
          <Alert
            type={failed ? 'error' : 'success'}
            showIcon
            data-testid="load-report"
            data-status={result.status}
            title={
              <span>
                {failed ? '装载失败，数据未作任何变更' : '装载成功'}：成功 <strong data-testid="load-loaded">{num(result.loaded)}</strong> 行 / 失败{' '}
                <strong data-testid="load-failed">{num(result.failed)}</strong> 行
              </span>
            }
            description={result.message ?? undefined}
          />
        )}
        {errorRows.length > 0 && (
          <Table<LoadError>
            rowKey={(e, i) => `${e.row}-${e.item ?? ''}-${i}`}
            size="small"
            dataSource={errorRows}
            data-testid="load-errors"
            pagination={listPagination('个错误', 10)}
            columns={[
              { title: '行号', dataIndex: 'row', key: 'row', width: 80 },
              { title: '信息项', dataIndex: 'item', key: 'item', width: 180, render: (v: string | null) => v ?? '-' },
              { title: '错误说明', dataIndex: 'message', key: 'message' },
            ]}
          />
        )}
      </Space>
    </Card>
  );
}

function LoadHistory({ loads, loading, error, onReload }: { loads: LoadView[]; loading: boolean; error: string | null; onReload(): void }) {
  const columns: TableColumnsType<LoadView> = [
    { title: '开始时间', dataIndex: 'startedAt', key: 'startedAt', width: 170, render: formatTime },
    { title: '操作人', dataIndex: 'startedBy', key: 'startedBy', width: 120, render: (v: string | null) => v ?? '-' },
    { title: '方式', dataIndex: 'mode', key: 'mode', width: 110, render: (v: LoadMode) => LOAD_MODE_LABELS[v] ?? v },
    { title: '文件', dataIndex: 'filename', key: 'filename', render: (v: string | null, l) => `${v ?? '-'}（${formatBytes(l.bytes)}）` },
    { title: '总行数', dataIndex: 'totalRows', key: 'totalRows', width: 90, render: (v: number | string) => num(v) },
    { title: '成功', dataIndex: 'loaded', key: 'loaded', width: 80, render: (v: number | string) => <span data-testid="history-loaded">{num(v)}</span> },
    { title: '失败', dataIndex: 'failed', key: 'failed', width: 80, render: (v: number | string) => <span data-testid="history-failed">{num(v)}</span> },
    {
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: 90,
      render: (v: LoadView['status']) => <Tag color={LOAD_STATUS[v]?.color} data-testid="history-status">{LOAD_STATUS[v]?.label ?? v}</Tag>,
    },
    { title: '完成时间', dataIndex: 'finishedAt', key: 'finishedAt', width: 170, render: formatTime },
  ];
  return (
    <Card title="装载历史" extra={<Button icon={<ReloadOutlined />} onClick={onReload}>刷新</Button>}>
      <MessageAlert message={error} />
      <Table<LoadView>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={loads}
        columns={columns}
        data-testid="load-history"
        locale={{ emptyText: <Empty description="暂无装载记录" /> }}
        pagination={listPagination('次装载', 10)}
      />
    </Card>
  );
}
