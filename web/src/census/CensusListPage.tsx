import { DownloadOutlined, PlusOutlined, ReloadOutlined, UploadOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Select, Space, Switch, Table, Tag, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Org } from '../api/types';
import { useCurrentUser } from '../auth/AuthContext';
import { identityApi } from '../identity/identity-api';
import { hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { CensusImportModal } from './CensusImportModal';
import { censusApi, STATUS_COLORS, STATUS_LABELS, SYSTEM_STATUSES, type CensusSystem, type SystemStatus } from './census-api';
import { ZombieTags } from './ZombieTags';
import { serverPagination } from '../shared/pagination';

const PAGE_SIZE = 10;

/** 信息系统普查: the department's systems (all departments for the platform admin) with their zombie flags. */
export function CensusListPage() {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const isOverseer = hasRole(me.roles, 'platform_admin');
  const canEdit = isOverseer || hasRole(me.roles, 'dept_admin');

  const [orgs, setOrgs] = useState<Org[]>([]);
  const [orgId, setOrgId] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<SystemStatus | undefined>(undefined);
  const [zombieOnly, setZombieOnly] = useState(false);
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: CensusSystem[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    if (isOverseer) identityApi.listOrgs().then(setOrgs, () => setOrgs([]));
  }, [isOverseer]);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setData(await censusApi.list({ orgId, status, zombieOnly: zombieOnly || undefined, q: keyword.trim() || undefined }, PAGE_SIZE, (page - 1) * PAGE_SIZE));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setLoading(false);
    }
  }, [orgId, status, zombieOnly, keyword, page]);

  useEffect(() => {
    void load();
  }, [load]);

  const columns: TableColumnsType<CensusSystem> = [
    { title: '系统名称', dataIndex: 'name', key: 'name', render: (name: string, s) => <Link to={`/census/${s.id}`}>{name}</Link> },
    ...(isOverseer ? [{ title: '所属部门', dataIndex: 'orgName', key: 'orgName' }] : []),
    { title: '运行状态', dataIndex: 'status', key: 'status', render: (v: SystemStatus) => <Tag color={STATUS_COLORS[v]}>{STATUS_LABELS[v]}</Tag> },
    { title: '运行网络', dataIndex: 'network', key: 'network' },
    { title: '使用频度', dataIndex: 'frequency', key: 'frequency' },
    { title: '用户数量', dataIndex: 'userCount', key: 'userCount', render: (v: number | null) => (v === null ? '不固定' : v) },
    { title: '目录资源', key: 'resources', render: (_, s) => s.resources.length },
    { title: '僵尸系统判定', key: 'zombie', render: (_, s) => <ZombieTags system={s} /> },
    {
      title: '操作',
      key: 'actions',
      render: (_, s) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => navigate(`/census/${s.id}`)}>
            详情
          </Button>
          {canEdit && (
            <Button type="link" size="small" onClick={() => navigate(`/census/${s.id}/edit`)}>
              编辑
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card title="信息系统普查" data-testid="census-page">
      <div className="page-toolbar">
        <Space wrap>
          {isOverseer ? (
            <Select
              allowClear
              placeholder="全部部门"
              value={orgId}
              onChange={(v: string | undefined) => {
                setOrgId(v);
                setPage(1);
              }}
              options={orgs.map((org) => ({ value: org.id, label: org.name }))}
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 240 }}
              data-testid="census-org-filter"
            />
          ) : (
            <Tag color="blue" data-testid="census-org-scope">
              {me.orgName}
            </Tag>
          )}
          <Select
            allowClear
            placeholder="全部状态"
            value={status}
            onChange={(v: SystemStatus | undefined) => {
              setStatus(v);
              setPage(1);
            }}
            options={SYSTEM_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
            style={{ width: 140 }}
            data-testid="census-status-filter"
          />
          <Space size={4}>
            <Switch
              checked={zombieOnly}
              onChange={(v) => {
                setZombieOnly(v);
                setPage(1);
              }}
              data-testid="census-zombie-only"
            />
            <span>只看僵尸系统</span>
          </Space>
          <Input.Search
            placeholder="系统名称或功能"
            allowClear
            onSearch={(v) => {
              setKeyword(v);
              setPage(1);
            }}
            style={{ width: 220 }}
            data-testid="census-search"
          />
        </Space>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            刷新
          </Button>
          <Button icon={<WarningOutlined />} onClick={() => navigate('/census/candidates')} data-testid="census-candidates">
            清理整合候选
          </Button>
          <Button icon={<DownloadOutlined />} href={censusApi.exportUrl(orgId)} data-testid="census-export">
            导出
          </Button>
          {canEdit && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="census-import">
              导入
            </Button>
          )}
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/census/new')} data-testid="census-create">
              新增系统
            </Button>
          )}
        </Space>
      </div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Table<CensusSystem>
        rowKey="id"
        columns={columns}
        dataSource={data.items}
        loading={loading}
        size="middle"
        data-testid="census-table"
        pagination={serverPagination(page, PAGE_SIZE, data.total, setPage, '个系统')}
      />
      <CensusImportModal
        open={importing}
        orgId={isOverseer ? orgId : undefined}
        onClose={() => setImporting(false)}
        onImported={() => void load()}
      />
    </Card>
  );
}
