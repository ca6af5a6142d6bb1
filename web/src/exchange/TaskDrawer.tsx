import { Alert, Button, Drawer, Form, Input, InputNumber, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { DELETE_MODE_LABELS, MODE_LABELS, type DeleteMode, type ExtractMode, type ScheduleKind } from '@shared/exchange/flows.types';
import { useCallback, useEffect, useMemo } from 'react';
import { useCurrentUser } from '../auth/AuthContext';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { exchangeApi, type ExchangeNode } from './exchange-api';
import { showFieldErrors } from './flows-common';
import { endpointsOf, flowsApi, type PublishableResource, type TaskBody, type TaskView } from './flows-api';

interface TaskForm {
  resourceId: string;
  nodeId: string;
  sourceName: string;
  sourceKind: 'table' | 'query';
  sourceTable?: string;
  sourceQuery?: string;
  columnMap?: Record<string, string | undefined>;
  mode: ExtractMode;
  watermarkColumn?: string;
  deleteMode: DeleteMode;
  softDeleteColumn?: string;
  changeLogTable?: string;
  scheduleKind: ScheduleKind;
  cron?: string;
  intervalSeconds?: number;
  batchRows: number;
  filePattern?: string;
}

/** Form fields a server validation error may name (the rest show in the alert only). */
const FIELDS = [
  'resourceId', 'nodeId', 'sourceName', 'sourceTable', 'sourceQuery', 'columnMap', 'mode', 'watermarkColumn', 'deleteMode',
  'softDeleteColumn', 'changeLogTable', 'scheduleKind', 'cron', 'intervalSeconds', 'batchRows', 'filePattern',
] as const;

const NO_RESOURCES: PublishableResource[] = [];
const NO_NODES: ExchangeNode[] = [];
const DEFAULTS: Partial<TaskForm> = {
  sourceKind: 'table', mode: 'incremental', deleteMode: 'none', scheduleKind: 'cron', cron: '*/5 * * * *', intervalSeconds: 10, batchRows: 50000,
};

const blank = (v: string | undefined | null) => (v ?? '').trim() === '';
const orNull = (v: string | undefined | null) => (blank(v) ? null : v!.trim());

/** Create (task = 'new') or edit a publish task; the provider's dept_admin only. */
export function TaskDrawer({ task, onClose, onSaved }: { task: TaskView | 'new' | null; onClose(): void; onSaved(task: TaskView, created: boolean): void }) {
  const me = useCurrentUser();
  const open = task !== null;
  const editing = task !== null && task !== 'new' ? task : null;
  const [form] = Form.useForm<TaskForm>();
  const { submitting, error, clearError, run } = useSubmit();
  const resources = useRemoteData(useCallback(() => (open ? flowsApi.publishableResources() : Promise.resolve(NO_RESOURCES)), [open]), NO_RESOURCES);
  const nodes = useRemoteData(useCallback(() => (open ? exchangeApi.nodes() : Promise.resolve(NO_NODES)), [open]), NO_NODES);
  const ownNodes = useMemo(() => nodes.data.filter((n) => n.status === 'approved' && n.orgId === me.orgId), [nodes.data, me.orgId]);

  const resourceId = Form.useWatch('resourceId', form);
  const nodeId = Form.useWatch('nodeId', form);
  const sourceKind = Form.useWatch('sourceKind', form);
  const mode = Form.useWatch('mode', form);
  const deleteMode = Form.useWatch('deleteMode', form);
  const scheduleKind = Form.useWatch('scheduleKind', form);

  const resource = resources.data.find((r) => r.id === resourceId) ?? null;
  const kind = resource?.kind ?? editing?.kind ?? 'table';
  const items = resource?.items ?? (editing ? Object.keys(editing.columnMap).map((item) => ({ item, dataType: '' })) : []);
  const keyItems = resource?.keyItems ?? editing?.keyItems ?? [];
  const node = ownNodes.find((n) => n.id === nodeId) ?? null;
  const sources = node ? endpointsOf(node, 'source').filter((e) => (kind === 'file' ? e.type === 'csv' : e.type !== 'csv')) : [];

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    clearError();
    if (editing) {
      form.setFieldsValue({
        resourceId: editing.resourceId, nodeId: editing.nodeId, sourceName: editing.sourceName,
        sourceKind: editing.sourceQuery ? 'query' : 'table', sourceTable: editing.sourceTable ?? undefined, sourceQuery: editing.sourceQuery ?? undefined,
        columnMap: editing.columnMap, mode: editing.mode, watermarkColumn: editing.watermarkColumn ?? undefined, deleteMode: editing.deleteMode,
        softDeleteColumn: editing.softDeleteColumn ?? undefined, changeLogTable: editing.changeLogTable ?? undefined, scheduleKind: editing.scheduleKind,
        cron: editing.cron ?? undefined, intervalSeconds: editing.intervalSeconds ?? undefined, batchRows: editing.batchRows, filePattern: editing.filePattern ?? undefined,
      });
    } else {
      form.setFieldsValue(DEFAULTS);
    }
  }, [open, editing, form, clearError]);

  function bodyOf(v: TaskForm): TaskBody {
    const isFile = kind === 'file';
    const columnMap: Record<string, string> = {};
    const known = new Set(items.map((i) => i.item));
    if (!isFile) for (const [item, column] of Object.entries(v.columnMap ?? {})) if (known.has(item) && !blank(column)) columnMap[item] = column!.trim();
    const incremental = v.mode === 'incremental';
    return {
      resourceId: v.resourceId,
      nodeId: v.nodeId,
      sourceName: v.sourceName.trim(),
      sourceTable: isFile || v.sourceKind === 'table' ? orNull(v.sourceTable) : null,
      sourceQuery: !isFile && v.sourceKind === 'query' ? orNull(v.sourceQuery) : null,
      columnMap,
      mode: isFile ? 'incremental' : v.mode,
      watermarkColumn: !isFile && incremental ? orNull(v.watermarkColumn) : null,
      deleteMode: isFile ? 'none' : v.deleteMode,
      softDeleteColumn: !isFile && v.deleteMode === 'soft_delete' ? orNull(v.softDeleteColumn) : null,
      changeLogTable: !isFile && v.deleteMode === 'change_log' ? orNull(v.changeLogTable) : null,
      scheduleKind: v.scheduleKind,
      cron: v.scheduleKind === 'cron' ? orNull(v.cron) : null,
      intervalSeconds: v.scheduleKind === 'realtime' ? v.intervalSeconds ?? null : null,
      batchRows: v.batchRows,
      filePattern: isFile ? orNull(v.filePattern) : null,
    };
  }

  async function submit() {
    let values: TaskForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    await run(async () => {
      const body = bodyOf(values);
      try {
        const saved = editing ? await flowsApi.updateTask(editing.id, body) : await flowsApi.createTask(body);
        onSaved(saved, !editing);
      } catch (e) {
        showFieldErrors(form, e, FIELDS);
        throw e;
      }
    });
  }

  const needsResources = !editing && !resources.loading && resources.data.length === 0;
  const needsNodes = !nodes.loading && ownNodes.length === 0;

  return (
    <Drawer
      open={open}
      size={760}
      title={editing ? `编辑发布任务：${editing.code}` : '新建发布任务'}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={submitting} onClick={() => void submit()} data-testid="task-submit">保存</Button>
        </Space>
      }
    >
      <ErrorAlert error={error} testId="task-form-error" />
      {needsResources && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="本部门暂无可发布的资源：库表类资源需先在“数据服务资源”中定义数据存储（主键）。" />}
      {needsNodes && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="本部门暂无已批准的前置机，请先在“前置机管理”中注册前置机。" />}
      {open && (
        <Form form={form} layout="vertical" data-testid="task-form">
          <Form.Item label="信息资源" name="resourceId" rules={[{ required: true, message: '请选择信息资源' }]}
            extra="本部门已发布的库表类资源（已定义数据存储）和文件类资源">
            <Select
              disabled={!!editing}
              loading={resources.loading}
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="选择信息资源"
              options={editing && !resource
                ? [{ value: editing.resourceId, label: `${editing.resourceName}（${editing.resourceCode}）` }]
                : resources.data.map((r) => ({ value: r.id, label: `${r.name}（${r.code}）${r.kind === 'file' ? ' · 文件' : ''}` }))}
              data-testid="task-resource"
            />
          </Form.Item>
          <Form.Item label="前置机" name="nodeId" rules={[{ required: true, message: '请选择前置机' }]}>
            <Select loading={nodes.loading} placeholder="选择本部门已批准的前置机"
              options={ownNodes.map((n) => ({ value: n.id, label: `${n.name}${n.code ? `（${n.code}）` : ''}` }))} data-testid="task-node" />
          </Form.Item>
          <Form.Item label="数据源" name="sourceName" rules={[{ required: true, whitespace: true, message: '请选择或填写数据源' }]}
            extra={sources.length > 0 ? '前置机配置文件中的数据源（由心跳上报）' : '前置机尚未上报数据源，请填写其配置文件中 sources 的名称'}>
            {sources.length > 0
              ? <Select options={sources.map((e) => ({ value: e.name, label: `${e.name}（${e.type}）` }))} placeholder="选择数据源" data-testid="task-source" />
              : <Input placeholder="如：hjk" data-testid="task-source" />}
          </Form.Item>
          {kind === 'file' ? (
            <>
              <Form.Item label="目录" name="sourceTable" rules={[{ required: true, whitespace: true, message: '请填写目录' }]} extra="相对于 csv 数据源目录">
                <Input placeholder="如：reports" data-testid="task-file-dir" />
              </Form.Item>
              <Form.Item label="文件名模式" name="filePattern" rules={[{ required: true, whitespace: true, message: '请填写文件名模式' }]}>
                <Input placeholder="如：*.pdf" data-testid="task-file-pattern" />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item label="抽取对象" name="sourceKind">
                <Radio.Group options={[{ value: 'table', label: '表' }, { value: 'query', label: '查询语句' }]} data-testid="task-source-kind" />
              </Form.Item>
              {sourceKind === 'query' ? (
                <Form.Item label="查询语句" name="sourceQuery" rules={[{ required: true, whitespace: true, message: '请填写查询语句' }]} extra="只读 SELECT；增量模式下前置机在其外层按水位列过滤">
                  <Input.TextArea rows={3} className="mono" placeholder="select … from …" data-testid="task-source-query" />
                </Form.Item>
              ) : (
                <Form.Item label="源表" name="sourceTable" rules={[{ required: true, whitespace: true, message: '请填写源表' }]}>
                  <Input placeholder="如：public.hj_person" data-testid="task-source-table" />
                </Form.Item>
              )}
              <Form.Item label="字段映射" required extra="信息项 → 源字段；主键信息项必填，留空的信息项不发布">
                <Table
                  rowKey="item"
                  size="small"
                  pagination={false}
                  dataSource={items}
                  data-testid="task-mapping"
                  locale={{ emptyText: '请先选择信息资源' }}
                  columns={[
                    {
                      title: '信息项', key: 'item',
                      render: (_, r) => <Space size={4}>{r.item}{keyItems.includes(r.item) && <Tag color="gold" data-testid="task-key-item">主键</Tag>}</Space>,
                    },
                    { title: '类型', dataIndex: 'dataType', key: 'type', width: 60 },
                    {
                      title: '源字段', key: 'column', width: 280,
                      render: (_, r) => (
                        <Form.Item name={['columnMap', r.item]} style={{ marginBottom: 0 }}
                          rules={keyItems.includes(r.item) ? [{ required: true, whitespace: true, message: '主键信息项必须映射' }] : []}>
                          <Input placeholder="源字段名" data-testid={`task-col-${r.item}`} />
                        </Form.Item>
                      ),
                    },
                  ]}
                />
              </Form.Item>
              <Form.Item label="抽取方式" name="mode">
                <Radio.Group options={(['incremental', 'full'] as const).map((m) => ({ value: m, label: MODE_LABELS[m] }))} data-testid="task-mode" />
              </Form.Item>
              {mode === 'incremental' && (
                <Form.Item label="水位列" name="watermarkColumn" rules={[{ required: true, whitespace: true, message: '增量抽取需要水位列' }]} extra="单调递增的更新时间或序号列">
                  <Input placeholder="如：updated_at" data-testid="task-watermark" />
                </Form.Item>
              )}
              <Form.Item label="删除同步" name="deleteMode">
                <Select options={(['none', 'soft_delete', 'change_log'] as const).map((m) => ({ value: m, label: DELETE_MODE_LABELS[m] }))} data-testid="task-delete-mode" />
              </Form.Item>
              {deleteMode === 'soft_delete' && (
                <Form.Item label="删除标志列" name="softDeleteColumn" rules={[{ required: true, whitespace: true, message: '请填写删除标志列' }]} extra="值为 true 或 1 表示已删除">
                  <Input placeholder="如：is_deleted" data-testid="task-soft-delete" />
                </Form.Item>
              )}
              {deleteMode === 'change_log' && (
                <Form.Item label="变更日志表" name="changeLogTable" rules={[{ required: true, whitespace: true, message: '请填写变更日志表' }]} extra="含主键列、op（I/U/D）和递增的 change_id">
                  <Input placeholder="如：public.hj_person_changes" data-testid="task-change-log" />
                </Form.Item>
              )}
            </>
          )}
          <Form.Item label="调度" name="scheduleKind">
            <Radio.Group options={[{ value: 'cron', label: '定时（cron）' }, { value: 'realtime', label: '实时' }]} data-testid="task-schedule-kind" />
          </Form.Item>
          {scheduleKind === 'realtime' ? (
            <Form.Item label="轮询间隔（秒）" name="intervalSeconds" rules={[{ required: true, message: '请填写间隔' }]} extra="1–60 秒">
              <InputNumber min={1} max={60} precision={0} style={{ width: 160 }} data-testid="task-interval" />
            </Form.Item>
          ) : (
            <Form.Item label="cron 表达式" name="cron" rules={[{ required: true, whitespace: true, message: '请填写 cron 表达式' }]}
              extra="5 段：分 时 日 月 周（北京时间），如 */5 * * * * 为每 5 分钟、0 2 * * * 为每天 2 点">
              <Input className="mono" style={{ width: 240 }} data-testid="task-cron" />
            </Form.Item>
          )}
          <Form.Item label="每批行数" name="batchRows" rules={[{ required: true, message: '请填写每批行数' }]} extra="100–200000 行">
            <InputNumber min={100} max={200000} precision={0} style={{ width: 160 }} data-testid="task-batch-rows" />
          </Form.Item>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            保存后前置机在下次拉取配置时生效（配置经平台 SM2 签名）。
          </Typography.Text>
        </Form>
      )}
    </Drawer>
  );
}
