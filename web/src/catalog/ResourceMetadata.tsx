import { Descriptions, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { CategoryRef, InfoItem, Version } from './catalog-api';
import { dataTypeLabel } from './catalog-constants';
import { ShareTypeTag } from './CatalogTags';

const orDash = (v: ReactNode) => (v === null || v === undefined || v === '' ? '-' : v);

interface Props {
  version: Version;
  code: string;
  category?: CategoryRef | null;
  relatedCategories?: CategoryRef[];
  testId?: string;
}

/** All metadata of one version under the national field names (annex-4 template headers). */
export function ResourceMetadata({ version: v, code, category, relatedCategories = [], testId }: Props) {
  const withheld = v.shareType === '不予共享';
  return (
    <Descriptions column={2} size="small" bordered data-testid={testId} styles={{ label: { width: 150 } }}>
      <Descriptions.Item label="信息资源名称">{v.name}</Descriptions.Item>
      <Descriptions.Item label="信息资源代码">
        <Typography.Text copyable data-testid="meta-code">{code}</Typography.Text>
      </Descriptions.Item>
      <Descriptions.Item label="信息资源提供方">{v.providerName}</Descriptions.Item>
      <Descriptions.Item label="提供方内部部门">{orDash(v.providerDivision)}</Descriptions.Item>
      <Descriptions.Item label="资源提供方代码">{v.providerCode}</Descriptions.Item>
      <Descriptions.Item label="资源分类">
        {category ? `${category.name}（${category.kind}，${category.code}）` : '-'}
      </Descriptions.Item>
      <Descriptions.Item label="信息资源摘要" span={2}>{v.summary}</Descriptions.Item>
      <Descriptions.Item label="格式分类">{v.formatClass}</Descriptions.Item>
      <Descriptions.Item label="格式类型">{orDash([v.formatType, v.formatOther].filter(Boolean).join('；'))}</Descriptions.Item>
      <Descriptions.Item label="共享类型">
        <span data-testid="meta-share-type"><ShareTypeTag shareType={v.shareType} /></span>
      </Descriptions.Item>
      <Descriptions.Item label="共享方式分类 / 类型">
        {withheld ? '-' : orDash([v.shareMethodClass, v.shareMethodType].filter(Boolean).join(' / '))}
      </Descriptions.Item>
      <Descriptions.Item label={withheld ? '共享条件（不予共享依据）' : '共享条件'} span={2}>
        <span data-testid="meta-share-condition">{orDash(v.shareCondition)}</span>
      </Descriptions.Item>
      <Descriptions.Item label="是否向社会开放">{v.isOpen ? '是' : '否'}</Descriptions.Item>
      <Descriptions.Item label="开放条件">{orDash(v.openCondition)}</Descriptions.Item>
      <Descriptions.Item label="更新周期">{v.updateCycle}</Descriptions.Item>
      <Descriptions.Item label="发布日期">{v.publishDate}</Descriptions.Item>
      <Descriptions.Item label="关联及类目名称" span={2}>
        {orDash(v.relatedClass ?? (relatedCategories.map((c) => c.name).join('、') || null))}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** 信息项 table: 信息项名称, 数据类型 (Chinese label), 数据长度. */
export function InfoItemsTable({ items, testId }: { items: InfoItem[]; testId?: string }) {
  return (
    <Table<InfoItem & { no: number }>
      rowKey="no"
      size="small"
      pagination={false}
      dataSource={items.map((item, i) => ({ ...item, no: i + 1 }))}
      data-testid={testId}
      columns={[
        { title: '序号', dataIndex: 'no', key: 'no', width: 64 },
        { title: '信息项名称', dataIndex: 'name', key: 'name' },
        { title: '数据类型', dataIndex: 'dataType', key: 'dataType', width: 160, render: (v: string) => dataTypeLabel(v) },
        { title: '数据长度', dataIndex: 'length', key: 'length', width: 120, render: (v: number | null) => v ?? '-' },
      ]}
    />
  );
}
