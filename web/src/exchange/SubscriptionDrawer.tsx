import { Alert, Button, Drawer, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { GrantView } from '@shared/sharing/sharing.types';
import { MASKING_LABELS } from '@shared/sharing/masking';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useCurrentUser } from '../auth/AuthContext';
import { dataServicesApi } from '../data-services/data-services-api';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { exchangeApi, type ExchangeNode } from './exchange-api';
import { showFieldErrors } from './flows-common';
import { endpointsOf, flowsApi, type SubscriptionBody, type SubscriptionView } from './flows-api';

interface SubscriptionForm {
  grantId: string;
  nodeId: string;
  targetName: string;
  targetTable: string;
  columnMap?: Record<string, string | undefined>;
}

const FIELDS = ['grantId', 'nodeId', 'targetName', 'targetTable', 'columnMap'] as const;
const NO_GRANTS: GrantView[] = [];
const NO_NODES: ExchangeNode[] = [];
const blank = (v: string | undefined | null) => (v ?? '').trim() === '';

/** Create (subscription = 'new') or edit a subscription; the consumer's dept_admin only. */
export function SubscriptionDrawer({ subscription, onClose, onSaved }: {
  subscription: SubscriptionView | 'new' | null;
  onClose(): void;
  onSaved(s: SubscriptionView, created: boolean): void;
}) {
  const me = useCurrentUser();
  const open = subscription !== null;
  const editing = subscription !== null && subscription !== 'new' ? subscription : null;
  const [form] = Form.useForm<SubscriptionForm>();
  const { submitting, error, clearError, run } = useSubmit();
  const grants = useRemoteData(useCallback(() => (open ? flowsApi.consumerGrants() : Promise.resolve(NO_GRANTS)), [open]), NO_GRANTS);
  const nodes = useRemoteData(useCallback(() => (open ? exchangeApi.nodes() : Promise.resolve(NO_NODES)), [open]), NO_NODES);
  const ownNodes = useMemo(() => nodes.data.filter((n) => n.status === 'approved' && n.orgId === me.orgId), [nodes.data, me.orgId]);
  const [keyItems, setKeyItems] = useState<string[]>([]);

  const grantId = Form.useWatch('grantId', form);
  const nodeId = Form.useWatch('nodeId', form);
  const grant = grants.data.find((g) => g.id === grantId) ?? null;
  const items = grant?.items ?? (editing ? Object.keys(editing.columnMap) : []);
  const resourceId = grant?.resourceId ?? editing?.resourceId ?? null;
  const node = ownNodes.find((n) => n.id === nodeId) ?? null;
  const targets = node ? endpointsOf(node, 'target') : [];

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    clearError();
    if (editing) {
      form.setFieldsValue({ grantId: editing.grantId, nodeId: editing.nodeId, targetName: editing.targetName, targetTable: editing.targetTable, columnMap: editing.columnMap });
    }
  }, [open, editing, form, clearError]);

  // Key items come from the resource's API doc (readable by any department); they must be mapped.
  useEffect(() => {
    setKeyItems([]);
    if (!resourceId) return;
    let live = true;
    dataServicesApi.apiDoc(resourceId)
      .then((doc) => { if (live) setKeyItems(doc.fields.filter((f) => f.key).map((f) => f.item)); })
      .catch(() => undefined);
    return () => { live = false; };
  }, [resourceId]);

  function chooseGrant(id: string) {
    const g = grants.data.find((x) => x.id === id);
    if (!g) return;
    // Prefill each granted item's target column with the item's name; the user renames as the target needs.
    form.setFieldsValue({ columnMap: Object.fromEntries(g.items.map((item) => [item, item])) });
  }

  async function submit() {
    let values: SubscriptionForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    await run(async () => {
      const columnMap: Record<string, string> = {};
      for (const [item, column] of Object.entries(values.columnMap ?? {})) if (items.includes(item) && !blank(column)) columnMap[item] = column!.trim();
      const fields = { nodeId: values.nodeId, targetName: values.targetName.trim(), targetTable: values.targetTable.trim(), columnMap };
      const body: SubscriptionBody = { grantId: values.grantId, ...fields };
      try {
        const saved = editing ? await flowsApi.updateSubscription(editing.id, fields) : await flowsApi.createSubscription(body);
        onSaved(saved, !editing);
      } catch (e) {
        showFieldErrors(form, e, FIELDS);
        throw e;
      }
    });
  }

  const noGrants = !editing && !grants.loading && grants.data.length === 0;

  return (
    <Drawer
      open={open}
      size={720}
      title={editing ? `编辑订阅：${editing.code}` : '新建订阅'}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={submitting} onClick={() => void submit()} data-testid="sub-submit">保存</Button>
        </Space>
      }
    >
      <ErrorAlert error={error} testId="sub-form-error" />
      {noGrants && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="本部门暂无有效授权：请先在共享目录中申请资源，审核通过后即可订阅。" />}
      {!nodes.loading && ownNodes.length === 0 && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="本部门暂无已批准的前置机，请先在“前置机管理”中注册前置机。" />}
      {open && (
        <Form form={form} layout="vertical" data-testid="sub-form">
          <Form.Item label="授权" name="grantId" rules={[{ required: true, message: '请选择授权' }]} extra="本部门获得的有效授权（库表类、文件类资源）">
            <Select
              disabled={!!editing}
              loading={grants.loading}
              showSearch={{ optionFilterProp: 'label' }}
              placeholder="选择授权"
              onChange={(v: string) => chooseGrant(v)}
              options={editing && !grant
                ? [{ value: editing.grantId, label: `${editing.resourceName}（${editing.providerName}）` }]
                : grants.data.map((g) => ({ value: g.id, label: `${g.resourceName}（${g.providerName}，至 ${g.validTo}）` }))}
              data-testid="sub-grant"
            />
          </Form.Item>
          <Form.Item label="前置机" name="nodeId" rules={[{ required: true, message: '请选择前置机' }]}>
            <Select loading={nodes.loading} placeholder="选择本部门已批准的前置机"
              options={ownNodes.map((n) => ({ value: n.id, label: `${n.name}${n.code ? `（${n.code}）` : ''}` }))} data-testid="sub-node" />
          </Form.Item>
          <Form.Item label="目标库" name="targetName" rules={[{ required: true, whitespace: true, message: '请选择或填写目标库' }]}
            extra={targets.length > 0 ? '前置机配置文件中的目标库（由心跳上报）' : '前置机尚未上报目标库，请填写其配置文件中 targets 的名称'}>
            {targets.length > 0
              ? <Select options={targets.map((e) => ({ value: e.name, label: `${e.name}（${e.type}）` }))} placeholder="选择目标库" data-testid="sub-target-name" />
              : <Input placeholder="如：scjk" data-testid="sub-target-name" />}
          </Form.Item>
          <Form.Item label="目标表" name="targetTable" rules={[{ required: true, whitespace: true, message: '请填写目标表' }]} extra="文件类资源填写 csv 目标下的目录">
            <Input placeholder="如：gaj_hjrk" data-testid="sub-target-table" />
          </Form.Item>
          <Form.Item label="字段映射" required extra="授权信息项 → 目标字段；主键信息项必填，留空的信息项不写入目标表">
            <Table
              rowKey={(item) => item}
              size="small"
              pagination={false}
              dataSource={items}
              data-testid="sub-mapping"
              locale={{ emptyText: '请先选择授权' }}
              columns={[
                {
                  title: '授权信息项', key: 'item',
                  render: (_, item: string) => (
                    <Space size={4}>
                      {item}
                      {keyItems.includes(item) && <Tag color="gold" data-testid="sub-key-item">主键</Tag>}
                      {grant?.masking[item] && <Tag>{MASKING_LABELS[grant.masking[item]!]}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: '目标字段', key: 'column', width: 280,
                  render: (_, item: string) => (
                    <Form.Item name={['columnMap', item]} style={{ marginBottom: 0 }}
                      rules={keyItems.includes(item) ? [{ required: true, whitespace: true, message: '主键信息项必须映射' }] : []}>
                      <Input placeholder="目标字段名" data-testid={`sub-col-${item}`} />
                    </Form.Item>
                  ),
                },
              ]}
            />
          </Form.Item>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            前置机在目标库中维护台账表 govshare_applied_batches，重复投递不会重复写入。
          </Typography.Text>
        </Form>
      )}
    </Drawer>
  );
}
