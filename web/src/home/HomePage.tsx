import { ApartmentOutlined, AppstoreOutlined, AuditOutlined, DatabaseOutlined, LineChartOutlined, MonitorOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Row, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { canAccess, type Area } from '../shared/access';
import { ROLE_COLORS, roleLabel } from '../shared/roles';

interface QuickLink {
  area: Area;
  path: string;
  title: string;
  description: string;
  icon: ReactNode;
}

const QUICK_LINKS: QuickLink[] = [
  { area: 'orgs', path: '/orgs', title: '部门管理', description: '查看部门树，维护部门信息与统一社会信用代码', icon: <ApartmentOutlined /> },
  { area: 'users', path: '/users', title: '账号管理', description: '创建账号、分配角色、重置密码与解锁', icon: <TeamOutlined /> },
  { area: 'audit', path: '/audit', title: '审计日志', description: '检索、导出审计记录并校验完整性', icon: <AuditOutlined /> },
  { area: 'system', path: '/system', title: '系统状态', description: '查看版本、数据库、迁移与安全参数', icon: <MonitorOutlined /> },
  { area: 'dataServices', path: '/data-services', title: '数据服务资源', description: '本部门提供的数据服务资源与获得的授权', icon: <DatabaseOutlined /> },
  { area: 'dataApps', path: '/data-services/apps', title: '应用管理', description: '登记调用数据接口的应用，管理应用密钥', icon: <AppstoreOutlined /> },
  { area: 'dataCalls', path: '/data-services/calls', title: '调用日志', description: '查询数据接口调用记录与统计', icon: <LineChartOutlined /> },
  { area: 'profile', path: '/profile', title: '个人中心', description: '查看个人信息，修改登录密码', icon: <UserOutlined /> },
];

export function HomePage() {
  const user = useCurrentUser();
  const links = QUICK_LINKS.filter((link) => canAccess(user.roles, link.area));

  return (
    <div data-testid="home-page">
      <Card className="welcome-card" data-testid="welcome-card">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          欢迎，{user.displayName}
        </Typography.Title>
        <Descriptions
          column={{ xs: 1, md: 2 }}
          items={[
            { key: 'org', label: '所属部门', children: <span data-testid="welcome-org">{user.orgName}</span> },
            {
              key: 'roles',
              label: '角色',
              children: (
                <span data-testid="welcome-roles">
                  {user.roles.map((role) => (
                    <Tag key={role} color={ROLE_COLORS[role]}>
                      {roleLabel(role)}
                    </Tag>
                  ))}
                </span>
              ),
            },
          ]}
        />
      </Card>
      <Typography.Title level={5} style={{ margin: '24px 0 12px' }}>
        快捷入口
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {links.map((link) => (
          <Col key={link.path} xs={24} sm={12} xl={8}>
            <Link to={link.path} data-testid={`quick-${link.area}`}>
              <Card hoverable>
                <Card.Meta avatar={<span className="quick-icon">{link.icon}</span>} title={link.title} description={link.description} />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </div>
  );
}
