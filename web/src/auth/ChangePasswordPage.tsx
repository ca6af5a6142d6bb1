import { App, Button, Card, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useAuth, useCurrentUser } from './AuthContext';
import { PasswordChangeForm } from './PasswordChangeForm';

/** The only page a user with `mustChangePassword` can reach. */
export function ChangePasswordPage() {
  const user = useCurrentUser();
  const { refresh, logout, endSession } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();

  async function changed() {
    message.success('密码修改成功');
    const next = await refresh();
    if (!next) endSession('密码已修改，请使用新密码重新登录');
    navigate(next ? '/' : '/login', { replace: true });
  }

  return (
    <div className="login-page">
      <Card className="login-card" style={{ width: 480 }} data-testid="change-password-page">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          修改密码
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {user.displayName}（{user.username}），为保障账号安全，首次登录或密码被重置后须先修改密码才能继续使用平台。
        </Typography.Paragraph>
        <PasswordChangeForm onChanged={changed} submitText="修改密码并进入平台" />
        <Button type="link" onClick={() => void logout().finally(() => navigate('/login', { replace: true }))} style={{ padding: 0 }}>
          退出登录
        </Button>
      </Card>
    </div>
  );
}
