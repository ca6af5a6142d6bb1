import { Spin } from 'antd';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuditPage } from './audit/AuditPage';
import { useAuth } from './auth/AuthContext';
import { ChangePasswordPage } from './auth/ChangePasswordPage';
import { CatalogImportPage } from './catalog/CatalogImportPage';
import { DepartmentCatalogPage } from './catalog/DepartmentCatalogPage';
import { ResourceDetailPage } from './catalog/ResourceDetailPage';
import { ResourceEditorPage } from './catalog/ResourceEditorPage';
import { ReviewQueuePage } from './catalog/ReviewQueuePage';
import { SharedCatalogPage } from './catalog/SharedCatalogPage';
import { CensusCandidatesPage } from './census/CensusCandidatesPage';
import { CensusDetailPage } from './census/CensusDetailPage';
import { CensusFormPage } from './census/CensusFormPage';
import { CensusListPage } from './census/CensusListPage';
import { LoginPage } from './auth/LoginPage';
import { RequireArea } from './auth/RequireArea';
import { HomePage } from './home/HomePage';
import { OrgsPage } from './identity/OrgsPage';
import { UsersPage } from './identity/UsersPage';
import { AppLayout } from './layout/AppLayout';
import { ProfilePage } from './profile/ProfilePage';
import { NotificationsPage } from './notifications/NotificationsPage';
import { NotFound } from './shared/Forbidden';
import { ErrorReportsPage } from './sharing/ErrorReportsPage';
import { GrantsPage } from './sharing/GrantsPage';
import { RequestDetailPage } from './sharing/RequestDetailPage';
import { MyRequestsPage, ShareReviewPage } from './sharing/RequestListPages';
import { SharingSettingsPage } from './sharing/SharingSettingsPage';
import { SystemStatusPage } from './system/SystemStatusPage';
import { ApiDocPage } from './data-services/ApiDocPage';
import { AppsPage } from './data-services/AppsPage';
import { CallsPage } from './data-services/CallsPage';
import { DataResourcesPage } from './data-services/DataResourcesPage';
import { DatastorePage } from './data-services/DatastorePage';
import { FilesPage } from './data-services/FilesPage';
import { ProxyPage } from './data-services/ProxyPage';
import { MonitoringPage } from './exchange/MonitoringPage';
import { NodesPage } from './exchange/NodesPage';
import { ReconciliationsPage } from './exchange/ReconciliationsPage';
import { SubscriptionsPage } from './exchange/SubscriptionsPage';
import { TasksPage } from './exchange/TasksPage';

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
        <Route path="catalog" element={<RequireArea area="catalog"><SharedCatalogPage /></RequireArea>} />
        <Route path="catalog/resources/:id" element={<RequireArea area="catalog"><ResourceDetailPage /></RequireArea>} />
        <Route path="catalog/department" element={<RequireArea area="catalogDepartment"><DepartmentCatalogPage /></RequireArea>} />
        <Route path="catalog/department/new" element={<RequireArea area="catalogEdit"><ResourceEditorPage /></RequireArea>} />
        <Route path="catalog/department/:id/edit" element={<RequireArea area="catalogEdit"><ResourceEditorPage key="edit" /></RequireArea>} />
        <Route path="catalog/review" element={<RequireArea area="catalogReview"><ReviewQueuePage /></RequireArea>} />
        <Route path="catalog/import" element={<RequireArea area="catalogImport"><CatalogImportPage /></RequireArea>} />
        <Route path="census" element={<RequireArea area="census"><CensusListPage /></RequireArea>} />
        <Route path="census/new" element={<RequireArea area="census"><CensusFormPage /></RequireArea>} />
        <Route path="census/candidates" element={<RequireArea area="census"><CensusCandidatesPage /></RequireArea>} />
        <Route path="census/:id" element={<RequireArea area="census"><CensusDetailPage /></RequireArea>} />
        <Route path="census/:id/edit" element={<RequireArea area="census"><CensusFormPage key="edit" /></RequireArea>} />
        <Route path="sharing/requests" element={<RequireArea area="shareRequests"><MyRequestsPage /></RequireArea>} />
        <Route path="sharing/requests/:id" element={<RequireArea area="shareGrants"><RequestDetailPage /></RequireArea>} />
        <Route path="sharing/review" element={<RequireArea area="shareReview"><ShareReviewPage /></RequireArea>} />
        <Route path="sharing/review/:id" element={<RequireArea area="shareReview"><RequestDetailPage key="review" reviewing /></RequireArea>} />
        <Route path="sharing/grants" element={<RequireArea area="shareGrants"><GrantsPage /></RequireArea>} />
        <Route path="sharing/grants/:id" element={<RequireArea area="shareGrants"><GrantsPage /></RequireArea>} />
        <Route path="sharing/error-reports" element={<RequireArea area="errorReports"><ErrorReportsPage /></RequireArea>} />
        <Route path="sharing/error-reports/:id" element={<RequireArea area="errorReports"><ErrorReportsPage /></RequireArea>} />
        <Route path="sharing/settings" element={<RequireArea area="sharingSettings"><SharingSettingsPage /></RequireArea>} />
        <Route path="data-services" element={<RequireArea area="dataServices"><DataResourcesPage /></RequireArea>} />
        <Route path="data-services/apps" element={<RequireArea area="dataApps"><AppsPage /></RequireArea>} />
        <Route path="data-services/calls" element={<RequireArea area="dataCalls"><CallsPage /></RequireArea>} />
        <Route path="exchange/nodes" element={<RequireArea area="exchangeNodes"><NodesPage /></RequireArea>} />
        <Route path="exchange/nodes/:id" element={<RequireArea area="exchangeNodes"><NodesPage /></RequireArea>} />
        <Route path="exchange/tasks" element={<RequireArea area="exchangeTasks"><TasksPage /></RequireArea>} />
        <Route path="exchange/subscriptions" element={<RequireArea area="exchangeSubscriptions"><SubscriptionsPage /></RequireArea>} />
        <Route path="exchange/subscriptions/:id" element={<RequireArea area="exchangeSubscriptions"><SubscriptionsPage /></RequireArea>} />
        <Route path="exchange/reconciliations" element={<RequireArea area="exchangeReconciliations"><ReconciliationsPage /></RequireArea>} />
        <Route path="exchange/monitoring" element={<RequireArea area="exchangeMonitoring"><MonitoringPage /></RequireArea>} />
        <Route path="data-services/resources/:id/datastore" element={<RequireArea area="dataManage"><DatastorePage /></RequireArea>} />
        <Route path="data-services/resources/:id/files" element={<RequireArea area="dataManage"><FilesPage /></RequireArea>} />
        <Route path="data-services/resources/:id/proxy" element={<RequireArea area="dataManage"><ProxyPage /></RequireArea>} />
        <Route path="data-services/resources/:id/api" element={<RequireArea area="dataApiDoc"><ApiDocPage /></RequireArea>} />
        <Route path="notifications" element={<RequireArea area="notifications"><NotificationsPage /></RequireArea>} />
        <Route path="audit" element={<RequireArea area="audit"><AuditPage /></RequireArea>} />
        <Route path="system" element={<RequireArea area="system"><SystemStatusPage /></RequireArea>} />
        <Route path="profile" element={<ProfilePage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
