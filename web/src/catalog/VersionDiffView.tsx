import { Empty, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { MessageAlert } from '../shared/MessageAlert';
import { describeError } from '../shared/errors';
import { catalogApi, type FieldChange, type InfoItem, type VersionDiff } from './catalog-api';
import { dataTypeLabel, fieldLabel, statusLabel } from './catalog-constants';

interface Props {
  resourceId: string;
  /** The versions that may be compared, oldest first. */
  versions: { versionNo: number; status: string }[];
  from: number;
  to: number;
  /** Hide the version pickers (the review drawer compares a fixed pair). */
  fixed?: boolean;
}

function show(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '（空）';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (field === 'dataType' && typeof value === 'string') return dataTypeLabel(value);
  if (field === 'position' && typeof value === 'number') return `第 ${value + 1} 项`;
  return String(value);
}

const itemText = (i: InfoItem) => `${i.name}（${dataTypeLabel(i.dataType)}${i.length !== null ? `，长度 ${i.length}` : ''}）`;

/** 版本对比: the field-by-field changes and the added / removed / changed info items between two versions. */
export function VersionDiffView({ resourceId, versions, from: initialFrom, to: initialTo, fixed }: Props) {
  const [from, setFrom] = useState(initialFrom);
  const [to, setTo] = useState(initialTo);
  const [diff, setDiff] = useState<VersionDiff | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setFrom(initialFrom);
    setTo(initialTo);
  }, [initialFrom, initialTo]);

  const load = useCallback(async () => {
    if (from === to) {
      setDiff(null);
      return;
    }
    setLoading(true);
    setError(null);
    try {
      setDiff(await catalogApi.diff(resourceId, from, to));
    } catch (e) {
      setError(describeError(e));
      setDiff(null);
    } finally {
      setLoading(false);
    }
  }, [resourceId, from, to]);

  useEffect(() => {
    void load();
  }, [load]);

  const options = versions.map((v) => ({ value: v.versionNo, label: `第 ${v.versionNo} 版（${statusLabel(v.status)}）` }));
  const unchanged = diff && diff.fields.length === 0 && diff.items.added.length + diff.items.removed.length + diff.items.changed.length === 0;

  return (
    <div data-testid="version-diff">
      {!fixed && (
        <Space style={{ marginBottom: 12 }} wrap>
          <span>对比</span>
          <Select value={from} options={options} onChange={setFrom} style={{ width: 180 }} data-testid="diff-from" />
          <span>→</span>
          <Select value={to} options={options} onChange={setTo} style={{ width: 180 }} data-testid="diff-to" />
        </Space>
      )}
      <MessageAlert message={error} />
      {from === to && <Typography.Text type="secondary">请选择两个不同的版本</Typography.Text>}
      {unchanged && <Empty description="两个版本内容相同" />}
      {diff && !unchanged && (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Table<FieldChange>
            rowKey="field"
            size="small"
            loading={loading}
            pagination={false}
            title={() => `字段变化（第 ${diff.from} 版 → 第 ${diff.to} 版）`}
            dataSource={diff.fields}
            locale={{ emptyText: '元数据字段无变化' }}
            data-testid="diff-fields"
            columns={[
              { title: '字段', dataIndex: 'field', key: 'field', width: 160, render: (f: string) => fieldLabel(f) },
              { title: `第 ${diff.from} 版`, key: 'from', render: (_, c) => <span className="diff-from" style={{ background: '#fff1f0' }}>{show(c.field, c.from)}</span> },
              { title: `第 ${diff.to} 版`, key: 'to', render: (_, c) => <span className="diff-to" style={{ background: '#f6ffed' }}>{show(c.field, c.to)}</span> },
            ]}
          />
          <div data-testid="diff-items">
            <Typography.Text strong>信息项变化</Typography.Text>
            {diff.items.added.length + diff.items.removed.length + diff.items.changed.length === 0 && (
              <div><Typography.Text type="secondary">信息项无变化</Typography.Text></div>
            )}
            {diff.items.added.map((i) => (
              <div key={`a-${i.name}`} data-testid="diff-item-added">
                <Tag color="green">新增</Tag>
                {itemText(i)}
              </div>
            ))}
            {diff.items.removed.map((i) => (
              <div key={`r-${i.name}`} data-testid="diff-item-removed">
                <Tag color="red">删除</Tag>
                {itemText(i)}
              </div>
            ))}
            {diff.items.changed.map((i) => (
              <div key={`c-${i.name}`} data-testid="diff-item-changed">
                <Tag color="blue">修改</Tag>
                {i.name}：{i.changes.map((c) => `${fieldLabel(c.field)} ${show(c.field, c.from)} → ${show(c.field, c.to)}`).join('；')}
              </div>
            ))}
          </div>
        </Space>
      )}
    </div>
  );
}
