import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Row, Skeleton, Statistic, Table, Tag } from 'antd';
import { api } from '../api/client';
import type { SystemStatus } from '../api/types';
import { formatDuration, formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';

const DATABASE_LABELS: Record<SystemStatus['database'], string> = {
  pglite: 'PGlite（内嵌数据库）',
  postgres: 'PostgreSQL',
};

const fetchStatus = () => api.get<SystemStatus>('/system/status');

export function SystemStatusPage() {
  const { data: status, loading, error, reload: load } = useRemoteData<SystemStatus | null>(fetchStatus, null);

  return (
    <div data-testid="system-page">
      <Card
        title="系统状态"
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading}>
            刷新
          </Button>
        }
      >
        <MessageAlert message={error} />
        {!status && loading && <Skeleton active />}
        {status && (
          <>
            <Descriptions
              bordered
              size="small"
              column={{ xs: 1, md: 3 }}
              data-testid="system-info"
              items={[
                { key: 'version', label: '版本', children: <span data-testid="system-version">{status.version}</span> },
                {
                  key: 'database',
                  label: '数据库',
                  children: <Tag color={status.database === 'postgres' ? 'blue' : 'green'}>{DATABASE_LABELS[status.database] ?? status.database}</Tag>,
                },
                { key: 'uptime', label: '运行时长', children: formatDuration(status.uptimeSeconds) },
              ]}
            />
            <Row gutter={16} style={{ marginTop: 16 }}>
              <Col xs={24} md={8}>
                <Card size="small">
                  <Statistic title="部门数" value={status.counts.orgs} />
                </Card>
              </Col>
              <Col xs={24} md={8}>
                <Card size="small">
                  <Statistic title="账号数" value={status.counts.users} />
                </Card>
              </Col>
              <Col xs={24} md={8}>
                <Card size="small">
                  <Statistic title="审计记录数" value={status.counts.auditEvents} />
                </Card>
              </Col>
            </Row>
          </>
        )}
      </Card>
      {status && (
        <Row gutter={16} style={{ marginTop: 16 }}>
          <Col xs={24} xl={10}>
            <Card title="安全参数" data-testid="system-settings">
              <Descriptions
                column={1}
                size="small"
                items={[
                  { key: 'idle', label: '会话空闲超时', children: `${status.settings.sessionIdleMinutes} 分钟` },
                  { key: 'threshold', label: '登录失败锁定阈值', children: `${status.settings.lockoutThreshold} 次` },
                  { key: 'lockout', label: '锁定时长', children: `${status.settings.lockoutMinutes} 分钟` },
                  { key: 'retention', label: '审计日志保留', children: `${status.settings.auditRetentionDays} 天` },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} xl={14}>
            <Card title="数据库迁移" data-testid="system-migrations">
              <Table
                rowKey="name"
                size="small"
                pagination={false}
                dataSource={status.migrations}
                columns={[
                  { title: '迁移名称', dataIndex: 'name', key: 'name', render: (v: string) => <span className="mono">{v}</span> },
                  { title: '执行时间', dataIndex: 'executedAt', key: 'executedAt', render: (v: string) => formatTime(v) },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
    </div>
  );
}
