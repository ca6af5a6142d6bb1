import { App, Card, Col, Descriptions, Row, Tag } from 'antd';
import { PasswordChangeForm } from '../auth/PasswordChangeForm';
import { useCurrentUser } from '../auth/AuthContext';
import { ROLE_COLORS, roleLabel } from '../shared/roles';

export function ProfilePage() {
  const user = useCurrentUser();
  const { message } = App.useApp();

  return (
    <Row gutter={[16, 16]} data-testid="profile-page">
      <Col xs={24} xl={12}>
        <Card title="个人信息">
          <Descriptions
            column={1}
            items={[
              { key: 'username', label: '用户名', children: <span data-testid="profile-username">{user.username}</span> },
              { key: 'displayName', label: '姓名', children: user.displayName },
              { key: 'org', label: '所属部门', children: user.orgName },
              {
                key: 'roles',
                label: '角色',
                children: user.roles.map((role) => (
                  <Tag key={role} color={ROLE_COLORS[role]}>
                    {roleLabel(role)}
                  </Tag>
                )),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title="修改密码">
          <PasswordChangeForm onChanged={() => void message.success('密码修改成功')} />
        </Card>
      </Col>
    </Row>
  );
}
