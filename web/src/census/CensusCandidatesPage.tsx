import { Alert, Button, Card, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Org } from '../api/types';
import { useCurrentUser } from '../auth/AuthContext';
import { identityApi } from '../identity/identity-api';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { censusApi, STATUS_COLORS, STATUS_LABELS, ZOMBIE_COLORS, type CensusSystem } from './census-api';
import { listPagination } from '../shared/pagination';

/** 清理整合候选: systems that match at least one zombie rule, with the reasons, for review and retirement. */
export function CensusCandidatesPage() {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const isOverseer = hasRole(me.roles, 'platform_admin');
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [orgId, setOrgId] = useState<string | undefined>(undefined);
  const [items, setItems] = useState<CensusSystem[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (isOverseer) identityApi.listOrgs().then(setOrgs, () => setOrgs([]));
  }, [isOverseer]);

  useEffect(() => {
    setLoading(true);
    censusApi.candidates(orgId).then(
      (page) => {
        setItems(page.items);
        setError(null);
        setLoading(false);
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [orgId]);

  const columns: TableColumnsType<CensusSystem> = [
    { title: '系统名称', dataIndex: 'name', key: 'name', render: (v: string, s) => <Link to={`/census/${s.id}`}>{v}</Link> },
    ...(isOverseer ? [{ title: '所属部门', dataIndex: 'orgName', key: 'orgName' }] : []),
    { title: '运行状态', dataIndex: 'status', key: 'status', width: 100, render: (v: CensusSystem['status']) => <Tag color={STATUS_COLORS[v]}>{STATUS_LABELS[v]}</Tag> },
    {
      title: '清理整合理由',
      key: 'reasons',
      render: (_, s) => (
        <Space direction="vertical" size={2}>
          {s.zombie.reasons.map((r) => (
            <span key={r.code}>
              <Tag color={ZOMBIE_COLORS[r.code]}>{r.label}</Tag>
              <span style={{ color: '#555' }}>{r.detail}</span>
            </span>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title="清理整合候选（僵尸信息系统）"
      data-testid="census-candidates-page"
      extra={<Button onClick={() => navigate('/census')}>返回普查列表</Button>}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="按普查填报自动判定：停止运行；使用频度为每年或按需、或用户数不超过 5 个（使用范围小、频度低）；未关联目录资源且未填报共享交换（信息孤岛）；无运维经费（运行维护停止）；以及人工标记（与业务脱节、可被替代等）。列入候选的系统须经核实后再清理整合。"
      />
      {isOverseer && (
        <Select
          allowClear
          placeholder="全部部门"
          value={orgId}
          onChange={(v: string | undefined) => setOrgId(v)}
          options={orgs.map((org) => ({ value: org.id, label: org.name }))}
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 240, marginBottom: 16 }}
        />
      )}
      <ErrorAlert error={error} />
      <Table<CensusSystem>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={loading}
        size="middle"
        data-testid="census-candidates-table"
        pagination={listPagination('个候选系统')}
      />
    </Card>
  );
}
