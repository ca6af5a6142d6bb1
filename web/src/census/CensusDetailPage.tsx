import { App, Button, Card, Descriptions, Input, Popconfirm, Space, Spin, Table, Tag } from 'antd';
import { useCallback, useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { useRemoteRecord } from '../shared/useRemoteRecord';
import { censusApi, KIND_LABELS, STATUS_COLORS, STATUS_LABELS } from './census-api';
import { ZombieTags } from './ZombieTags';

const yesNo = (v: boolean | null) => (v === null ? '-' : v ? '是' : '否');
const orDash = (v: ReactNode) => (v === null || v === undefined || v === '' ? '-' : v);

/** One system: the questionnaire answers, its zombie reasons and the catalog resources it holds. */
export function CensusDetailPage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const fetchSystem = useCallback(() => censusApi.get(id), [id]);
  const { data: system, setData: setSystem, error, reload: load } = useRemoteRecord(fetchSystem);
  const [code, setCode] = useState('');
  const [linking, setLinking] = useState(false);

  const canEdit = !!system && (hasRole(me.roles, 'platform_admin') || (hasRole(me.roles, 'dept_admin') && me.orgId === system.orgId));

  async function link() {
    if (!code.trim()) return;
    setLinking(true);
    try {
      setSystem(await censusApi.linkResource(id, code.trim()));
      setCode('');
      message.success('已关联目录资源');
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setLinking(false);
    }
  }

  async function run(action: () => Promise<unknown>, done: string, then?: () => void) {
    try {
      await action();
      message.success(done);
      if (then) then();
      else await load();
    } catch (e) {
      message.error(describeError(e));
    }
  }

  if (error && !system) {
    return (
      <Card title="信息系统详情">
        <ErrorAlert error={error} testId="census-detail-error" />
        <Button onClick={() => navigate('/census')}>返回列表</Button>
      </Card>
    );
  }
  if (!system) return <Spin />;
  const s = system;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="census-detail-page">
      <Card
        title={<span data-testid="census-detail-name">{s.name}</span>}
        extra={
          <Space>
            <Button onClick={() => navigate('/census')}>返回列表</Button>
            {canEdit && (
              <Button type="primary" onClick={() => navigate(`/census/${s.id}/edit`)} data-testid="census-edit">
                编辑
              </Button>
            )}
            {canEdit && (
              <Popconfirm
                title={`确定删除“${s.name}”？`}
                description="删除后该系统的普查信息和目录资源关联将一并移除。"
                okText="删除"
                cancelText="取消"
                onConfirm={() => run(() => censusApi.remove(s.id), `已删除 ${s.name}`, () => navigate('/census'))}
              >
                <Button danger data-testid="census-delete">
                  删除
                </Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        <Descriptions column={3} size="small" bordered data-testid="census-detail">
          <Descriptions.Item label="所属部门">{s.orgName}</Descriptions.Item>
          <Descriptions.Item label="系统类型">{KIND_LABELS[s.kind]}</Descriptions.Item>
          <Descriptions.Item label="运行状态">
            <Tag color={STATUS_COLORS[s.status]} data-testid="census-detail-status">
              {STATUS_LABELS[s.status]}
            </Tag>
          </Descriptions.Item>
          <Descriptions.Item label="僵尸系统判定" span={3}>
            <ZombieTags system={s} />
            {s.zombie.reasons.map((r) => (
              <div key={r.code} style={{ fontSize: 12, color: '#666' }}>
                {r.label}：{r.detail}
              </div>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label="系统功能描述" span={3}>{orDash(s.functionDesc)}</Descriptions.Item>
          <Descriptions.Item label="信息资源名称" span={3}>{orDash(s.resourceNames)}</Descriptions.Item>
          <Descriptions.Item label="运行网络">{s.network}</Descriptions.Item>
          <Descriptions.Item label="是否属于涉密网">{yesNo(s.classified)}</Descriptions.Item>
          <Descriptions.Item label="安全等级">{orDash(s.securityLevel)}</Descriptions.Item>
          <Descriptions.Item label="保密条款">{orDash(s.secrecyClause)}</Descriptions.Item>
          <Descriptions.Item label="可连接外网或互联网">{yesNo(s.canConnect)}</Descriptions.Item>
          <Descriptions.Item label="连接方式 / 不可连接原因">{orDash(s.connectMethod ?? s.noConnectReason)}</Descriptions.Item>
          <Descriptions.Item label="访问入口地址">{orDash(s.accessAddress)}</Descriptions.Item>
          <Descriptions.Item label="网站集约化">{yesNo(s.websiteIntensive)}</Descriptions.Item>
          <Descriptions.Item label="使用范围">{orDash(s.usageScope && `${s.usageScope}${s.usageScopeDetail ? `（${s.usageScopeDetail}）` : ''}`)}</Descriptions.Item>
          <Descriptions.Item label="用户数量">{s.userCount ?? '不固定'}</Descriptions.Item>
          <Descriptions.Item label="使用频度">{s.frequency}</Descriptions.Item>
          <Descriptions.Item label="责任科室">{orDash(s.ownerDivision)}</Descriptions.Item>
          <Descriptions.Item label="责任人">{orDash([s.ownerName, s.ownerTitle, s.ownerPhone].filter(Boolean).join(' / '))}</Descriptions.Item>
          <Descriptions.Item label="审批单位 / 时间">{orDash([s.approver, s.approvalDate].filter(Boolean).join(' / '))}</Descriptions.Item>
          <Descriptions.Item label="建设单位 / 时间">{orDash([s.builder, s.buildDate].filter(Boolean).join(' / '))}</Descriptions.Item>
          <Descriptions.Item label="质保期">{s.warrantyYears === null ? '-' : `${s.warrantyYears} 年`}</Descriptions.Item>
          <Descriptions.Item label="建设资金">{s.buildBudget === null ? '-' : `${s.buildBudget} 万元${s.buildBudgetSource ? `（${s.buildBudgetSource}）` : ''}`}</Descriptions.Item>
          <Descriptions.Item label="运维经费">{s.omBudget === null ? '-' : `${s.omBudget} 万元/年${s.omBudgetSource ? `（${s.omBudgetSource}）` : ''}`}</Descriptions.Item>
          <Descriptions.Item label="运维单位">{orDash(s.omUnit)}</Descriptions.Item>
          <Descriptions.Item label="已向其他部门提供" span={3}>{orDash(s.providedTo)}</Descriptions.Item>
          <Descriptions.Item label="已从其他部门获取" span={3}>{orDash(s.obtainedFrom)}</Descriptions.Item>
          <Descriptions.Item label="需其他部门提供" span={3}>{orDash(s.neededFrom)}</Descriptions.Item>
          <Descriptions.Item label="技术支撑人员" span={3}>{orDash(s.techSupport)}</Descriptions.Item>
          <Descriptions.Item label="其他说明" span={3}>{orDash(s.remarks)}</Descriptions.Item>
          <Descriptions.Item label="更新时间" span={3}>{formatTime(s.updatedAt)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        title="关联的目录资源"
        extra={
          canEdit && (
            <Space.Compact>
              <Input placeholder="信息资源代码，如 101000000/000001" value={code} onChange={(e) => setCode(e.target.value)} onPressEnter={() => void link()} style={{ width: 280 }} data-testid="census-link-code" />
              <Button type="primary" loading={linking} onClick={() => void link()} data-testid="census-link">
                关联
              </Button>
            </Space.Compact>
          )
        }
      >
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={s.resources}
          locale={{ emptyText: '尚未关联本部门的目录资源' }}
          data-testid="census-resources"
          columns={[
            { title: '信息资源代码', dataIndex: 'code', key: 'code', render: (v: string) => <span className="mono">{v}</span> },
            { title: '信息资源名称', dataIndex: 'name', key: 'name', render: (v: string | null) => v ?? '-' },
            ...(canEdit
              ? [{
                  title: '操作',
                  key: 'actions',
                  render: (_: unknown, r: { id: string; code: string }) => (
                    <Popconfirm title={`取消关联 ${r.code}？`} okText="取消关联" cancelText="返回" onConfirm={() => run(() => censusApi.unlinkResource(s.id, r.id), '已取消关联')}>
                      <Button type="link" size="small" danger>
                        取消关联
                      </Button>
                    </Popconfirm>
                  ),
                }]
              : []),
          ]}
        />
      </Card>
    </Space>
  );
}
