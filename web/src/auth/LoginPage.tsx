import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { describeError } from '../shared/errors';
import { useAuth } from './AuthContext';

interface Values {
  username: string;
  password: string;
}

export function LoginPage() {
  const { user, login, notice } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (user) return <Navigate to={user.mustChangePassword ? '/' : from} replace />;

  async function submit(values: Values) {
    setSubmitting(true);
    setError(null);
    try {
      const signedIn = await login(values.username.trim(), values.password);
      navigate(signedIn.mustChangePassword ? '/' : from, { replace: true });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div className="login-page">
      <Card className="login-card" data-testid="login-card">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              政务信息资源共享交换平台
            </Typography.Title>
            <Typography.Text type="secondary">统一身份认证 · 管理控制台</Typography.Text>
          </div>
        </div>
        {notice && !error && <Alert type="warning" showIcon title={notice} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} data-testid="login-error" style={{ marginBottom: 16 }} />}
        <Form<Values> layout="vertical" size="large" onFinish={submit} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          连续 5 次输入错误密码，账号将被临时锁定。请妥善保管账号密码，切勿转借他人使用。
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
