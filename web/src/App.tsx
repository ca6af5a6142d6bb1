import { Spin } from 'antd';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuditPage } from './audit/AuditPage';
import { useAuth } from './auth/AuthContext';
import { ChangePasswordPage } from './auth/ChangePasswordPage';
import { LoginPage } from './auth/LoginPage';
import { RequireArea } from './auth/RequireArea';
import { HomePage } from './home/HomePage';
import { OrgsPage } from './identity/OrgsPage';
import { UsersPage } from './identity/UsersPage';
import { AppLayout } from './layout/AppLayout';
import { ProfilePage } from './profile/ProfilePage';
import { NotFound } from './shared/Forbidden';
import { SystemStatusPage } from './system/SystemStatusPage';

export function App() {
  const { user, signedOutByUser } = useAuth();
  const location = useLocation();

  if (user === undefined) {
    return (
      <div className="boot-spinner">
        <Spin size="large" description="正在加载…" />
      </div>
    );
  }

  if (user === null) {
    // Remember the page to come back to after signing in, unless the user signed out on purpose.
    const from = !signedOutByUser && location.pathname !== '/' && location.pathname !== '/login' ? location.pathname + location.search : null;
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="*"
          element={<Navigate to="/login" replace state={from ? { from } : null} />}
        />
      </Routes>
    );
  }

  // Until the initial password is changed, nothing else of the console is reachable (the server agrees).
  if (user.mustChangePassword) return <ChangePasswordPage />;

  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<AppLayout />}>
        <Route index element={<HomePage />} />
        <Route path="orgs" element={<RequireArea area="orgs"><OrgsPage /></RequireArea>} />
        <Route path="users" element={<RequireArea area="users"><UsersPage /></RequireArea>} />
        <Route path="audit" element={<RequireArea area="audit"><AuditPage /></RequireArea>} />
        <Route path="system" element={<RequireArea area="system"><SystemStatusPage /></RequireArea>} />
        <Route path="profile" element={<ProfilePage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
