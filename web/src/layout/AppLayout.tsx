import {
  ApartmentOutlined,
  AppstoreOutlined,
  DatabaseOutlined,
  LineChartOutlined,
  AuditOutlined,
  BookOutlined,
  CloudUploadOutlined,
  FileSearchOutlined,
  FolderOpenOutlined,
  ClusterOutlined,
  CloudServerOutlined,
  DiffOutlined,
  InboxOutlined,
  NodeIndexOutlined,
  DashboardOutlined,
  BugOutlined,
  FileProtectOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  SettingOutlined,
  LogoutOutlined,
  MonitorOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Layout, Menu, Space, Tag, Typography, type MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, useCurrentUser } from '../auth/AuthContext';
import { NotificationBell } from '../notifications/NotificationBell';
import { canAccess, type Area } from '../shared/access';
import { ROLE_COLORS, roleLabel } from '../shared/roles';

interface NavItem {
  area: Area;
  path: string;
  label: string;
  icon: ReactNode;
  /** Entries with a group are shown under its title, where the group's first entry would stand. */
  group?: string;
}

/** Side menu entries in display order; each is shown only to roles that may use it. */
export const NAV_ITEMS: NavItem[] = [
  { area: 'home', path: '/', label: '工作台', icon: <DashboardOutlined /> },
  { area: 'orgs', path: '/orgs', label: '部门管理', icon: <ApartmentOutlined /> },
  { area: 'users', path: '/users', label: '账号管理', icon: <TeamOutlined /> },
  { area: 'catalog', path: '/catalog', label: '共享目录', icon: <FileSearchOutlined /> },
  { area: 'catalogDepartment', path: '/catalog/department', label: '本部门目录', icon: <FolderOpenOutlined /> },
  { area: 'catalogReview', path: '/catalog/review', label: '目录审核', icon: <BookOutlined /> },
  { area: 'catalogImport', path: '/catalog/import', label: '目录导入', icon: <CloudUploadOutlined /> },
  { area: 'shareRequests', path: '/sharing/requests', label: '我的申请', icon: <SendOutlined /> },
  { area: 'shareReview', path: '/sharing/review', label: '共享审核', icon: <FileProtectOutlined /> },
  { area: 'shareGrants', path: '/sharing/grants', label: '授权管理', icon: <SafetyCertificateOutlined /> },
  { area: 'errorReports', path: '/sharing/error-reports', label: '数据纠错', icon: <BugOutlined /> },
  { area: 'sharingSettings', path: '/sharing/settings', label: '共享设置', icon: <SettingOutlined /> },
  { area: 'dataServices', path: '/data-services', label: '数据服务资源', icon: <DatabaseOutlined />, group: '数据服务' },
  { area: 'dataApps', path: '/data-services/apps', label: '应用管理', icon: <AppstoreOutlined />, group: '数据服务' },
  { area: 'dataCalls', path: '/data-services/calls', label: '调用日志', icon: <LineChartOutlined />, group: '数据服务' },
  { area: 'exchangeNodes', path: '/exchange/nodes', label: '前置机管理', icon: <NodeIndexOutlined />, group: '数据交换' },
  { area: 'exchangeTasks', path: '/exchange/tasks', label: '发布任务', icon: <CloudServerOutlined />, group: '数据交换' },
  { area: 'exchangeSubscriptions', path: '/exchange/subscriptions', label: '数据订阅', icon: <InboxOutlined />, group: '数据交换' },
  { area: 'exchangeReconciliations', path: '/exchange/reconciliations', label: '对账', icon: <DiffOutlined />, group: '数据交换' },
  { area: 'exchangeMonitoring', path: '/exchange/monitoring', label: '交换监控', icon: <MonitorOutlined />, group: '数据交换' },
  { area: 'census', path: '/census', label: '信息系统普查', icon: <ClusterOutlined /> },
  { area: 'audit', path: '/audit', label: '审计日志', icon: <AuditOutlined /> },
  { area: 'system', path: '/system', label: '系统状态', icon: <MonitorOutlined /> },
  { area: 'profile', path: '/profile', label: '个人中心', icon: <UserOutlined /> },
];

export function AppLayout() {
  const user = useCurrentUser();
  const { logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();

  async function signOut() {
    try {
      await logout();
    } finally {
      // A deliberate sign-out should not send the next user back to this user's page.
      navigate('/login', { replace: true });
    }
  }

  const visible = NAV_ITEMS.filter((item) => canAccess(user.roles, item.area));
  const entry = (item: NavItem) => ({
    key: item.path,
    icon: item.icon,
    label: (
      <Link to={item.path} data-testid={`menu-${item.area}`}>
        {item.label}
      </Link>
    ),
  });
  const items: NonNullable<MenuProps['items']> = [];
  for (const item of visible) {
    if (!item.group) {
      items.push(entry(item));
      continue;
    }
    const key = `group-${item.group}`;
    const group = items.find((i) => i?.key === key);
    if (group && 'children' in group && group.children) group.children.push(entry(item));
    else items.push({ type: 'group', key, label: <span data-testid="menu-group">{item.group}</span>, children: [entry(item)] });
  }
  // The entry whose path is the longest prefix of the location (so /catalog/review selects 目录审核, not 共享目录).
  const selected = visible
    .filter((item) => (item.path === '/' ? location.pathname === '/' : location.pathname === item.path || location.pathname.startsWith(`${item.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)
    .slice(0, 1)
    .map((item) => item.path);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="app-header">
        <Link to="/" className="app-brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>政务信息资源共享交换平台</span>
        </Link>
        <Space size="middle" className="app-user" data-testid="header-user">
          <NotificationBell />
          <span>
            <UserOutlined /> <span data-testid="header-display-name">{user.displayName}</span>
          </span>
          <Typography.Text style={{ color: 'rgba(255,255,255,0.75)' }} data-testid="header-org">
            {user.orgName}
          </Typography.Text>
          <span data-testid="header-roles">
            {user.roles.map((role) => (
              <Tag key={role} color={ROLE_COLORS[role]} style={{ marginInlineEnd: 4 }}>
                {roleLabel(role)}
              </Tag>
            ))}
          </span>
          <Button type="text" icon={<LogoutOutlined />} onClick={() => void signOut()} className="app-logout" data-testid="logout">
            退出登录
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={208} theme="light" breakpoint="lg" collapsedWidth={64} className="app-sider">
          <Menu mode="inline" selectedKeys={selected} items={items} data-testid="side-menu" style={{ borderInlineEnd: 0 }} />
        </Layout.Sider>
        <Layout.Content className="app-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
