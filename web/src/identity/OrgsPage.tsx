import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import type { Org } from '../api/types';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { MessageAlert } from '../shared/MessageAlert';
import { ORG_LEVEL_LABELS } from '../shared/roles';
import { useRemoteData } from '../shared/useRemoteData';
import { buildOrgTree, identityApi, type OrgNode } from './identity-api';
import { OrgFormModal } from './OrgFormModal';

export function OrgsPage() {
  const user = useCurrentUser();
  const { message } = App.useApp();
  const canEdit = hasRole(user.roles, 'platform_admin');
  const { data: orgs, loading, error, reload: load } = useRemoteData(identityApi.listOrgs, []);
  const [keyword, setKeyword] = useState('');
  const [modal, setModal] = useState<{ open: boolean; editing: Org | null }>({ open: false, editing: null });

  const data = useMemo(() => {
    const kw = keyword.trim().toLowerCase();
    if (!kw) return buildOrgTree(orgs);
    // While filtering, a flat list is easier to read than a tree with gaps.
    return orgs.filter(
      (org) => org.name.toLowerCase().includes(kw) || org.uscc.toLowerCase().includes(kw) || org.regionCode.startsWith(kw),
    );
  }, [orgs, keyword]);

  const columns: TableColumnsType<OrgNode> = [
    { title: '部门名称', dataIndex: 'name', key: 'name' },
    { title: '统一社会信用代码', dataIndex: 'uscc', key: 'uscc', render: (v: string) => <span className="mono">{v}</span> },
    {
      title: '行政区划',
      key: 'region',
      render: (_, org) => (
        <span>
          {org.regionName} <Typography.Text type="secondary" className="mono">{org.regionCode}</Typography.Text>
        </span>
      ),
    },
    { title: '层级', dataIndex: 'level', key: 'level', width: 90, render: (v: Org['level']) => <Tag>{ORG_LEVEL_LABELS[v] ?? v}</Tag> },
  ];
  if (canEdit) {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 90,
      render: (_, org) => (
        <Button type="link" size="small" onClick={() => setModal({ open: true, editing: org })} data-testid={`org-edit-${org.uscc}`}>
          编辑
        </Button>
      ),
    });
  }

  return (
    <Card title="部门管理" data-testid="orgs-page">
      <div className="page-toolbar">
        <Input.Search
          placeholder="按名称、信用代码或区划代码筛选"
          allowClear
          onChange={(e) => setKeyword(e.target.value)}
          style={{ width: 320 }}
          data-testid="org-filter"
        />
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            刷新
          </Button>
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ open: true, editing: null })} data-testid="org-create">
              新增部门
            </Button>
          )}
        </Space>
      </div>
      {!canEdit && (
        <Alert type="info" showIcon title="部门信息由平台管理员维护，您可以查看部门结构。" style={{ marginBottom: 16 }} />
      )}
      <MessageAlert message={error} />
      <Table<OrgNode>
        rowKey="id"
        columns={columns}
        dataSource={data}
        loading={loading}
        pagination={false}
        expandable={{ defaultExpandAllRows: true }}
        key={keyword ? 'flat' : `tree-${orgs.length}`}
        size="middle"
        data-testid="org-table"
      />
      <OrgFormModal
        open={modal.open}
        editing={modal.editing}
        orgs={orgs}
        onClose={() => setModal({ open: false, editing: null })}
        onSaved={(org) => {
          message.success(modal.editing ? `已更新部门「${org.name}」` : `已新增部门「${org.name}」`);
          setModal({ open: false, editing: null });
          void load();
        }}
      />
    </Card>
  );
}
