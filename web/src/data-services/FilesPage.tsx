import { ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Progress, Space, Spin, Table, Typography, Upload, type TableColumnsType } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { UploadProgress } from '../api/client';
import { useCurrentUser } from '../auth/AuthContext';
import { ErrorAlert } from '../shared/ErrorAlert';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { canManageResource, KindMismatch, ResourceSummary, useResourceBrief } from './DataServicesCommon';
import { dataServicesApi, formatBytes, type FileVersionView } from './data-services-api';

const NO_FILES: FileVersionView[] = [];

/** 文件版本: a 文件 resource's versions (size, SM3) and the upload of a new one. */
export function FilesPage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const brief = useResourceBrief(id);
  const fetchFiles = useCallback(() => dataServicesApi.files(id), [id]);
  const files = useRemoteData(fetchFiles, NO_FILES);
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState('');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const { submitting, error, run } = useSubmit();

  if (brief.error && !brief.data) {
    return (
      <Card title="文件版本">
        <ErrorAlert error={brief.error} testId="ds-error" />
        <Button onClick={() => navigate('/data-services')}>返回数据服务资源</Button>
      </Card>
    );
  }
  if (!brief.data) return <Spin />;
  const b = brief.data;
  const canManage = canManageResource(me, b.providerOrgId) && b.published && b.kind === 'file';

  const columns: TableColumnsType<FileVersionView> = [
    { title: '版本', dataIndex: 'versionNo', key: 'versionNo', width: 80, render: (v: number) => <span data-testid="file-version-no">第 {v} 版</span> },
    { title: '文件名', dataIndex: 'filename', key: 'filename', render: (v: string) => <span data-testid="file-name">{v}</span> },
    { title: '大小', dataIndex: 'size', key: 'size', width: 100, render: (v: number | string) => <span data-testid="file-size">{formatBytes(v)}</span> },
    {
      title: 'SM3 校验值',
      dataIndex: 'sm3',
      key: 'sm3',
      width: 300,
      render: (v: string) => (
        <Typography.Text className="mono" style={{ fontSize: 12, wordBreak: 'break-all' }} copyable={{ text: v, tooltips: ['复制', '已复制'] }}>
          <span data-testid="file-sm3">{v}</span>
        </Typography.Text>
      ),
    },
    { title: '版本说明', dataIndex: 'note', key: 'note', render: (v: string | null) => <span data-testid="file-note">{v ?? '-'}</span> },
    { title: '上传人', dataIndex: 'uploadedBy', key: 'uploadedBy', width: 110, render: (v: string | null) => v ?? '-' },
    { title: '上传时间', dataIndex: 'createdAt', key: 'createdAt', width: 170, render: formatTime },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="files-page">
      <Card title="文件版本" extra={<Button onClick={() => navigate(-1)}>返回</Button>}>
        <ResourceSummary brief={b} />
        <KindMismatch brief={b} expected="file" />
        {canManage && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text strong>上传新版本</Typography.Text>
            <ErrorAlert error={error} testId="file-upload-error" />
            <Space wrap align="start">
              <Upload
                maxCount={1}
                fileList={file ? [{ uid: 'file', name: file.name, size: file.size, status: 'done' }] : []}
                beforeUpload={(f) => {
                  setFile(f);
                  setProgress(null);
                  return false;
                }}
                onRemove={() => setFile(null)}
                data-testid="file-input"
              >
                <Button icon={<UploadOutlined />} disabled={submitting}>选择文件</Button>
              </Upload>
              <Input
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={500}
                placeholder="版本说明（选填），如：2026 年第三季度数据"
                style={{ width: 360 }}
                data-testid="file-note-input"
              />
              <Button
                type="primary"
                disabled={!file}
                loading={submitting}
                onClick={() =>
                  void run(async () => {
                    const created = await dataServicesApi.uploadFile(id, file!, note.trim(), setProgress);
                    message.success(`已上传第 ${created.versionNo} 版`);
                    setFile(null);
                    setNote('');
                    await files.reload();
                  })
                }
                data-testid="file-upload"
              >
                上传
              </Button>
            </Space>
            {progress && <Progress percent={progress.percent} style={{ maxWidth: 480 }} data-testid="file-upload-progress" />}
            <Typography.Text type="secondary">单个文件不超过 100 MB；上传时计算 SM3 校验值，使用方下载后可据此核对文件完整性。</Typography.Text>
          </Space>
        )}
      </Card>
      <Card title="版本列表" extra={<Button icon={<ReloadOutlined />} onClick={() => void files.reload()}>刷新</Button>}>
        <MessageAlert message={files.error} />
        <Table<FileVersionView>
          rowKey="id"
          size="middle"
          loading={files.loading}
          dataSource={files.data}
          columns={columns}
          data-testid="files-table"
          locale={{ emptyText: '暂无文件版本' }}
          pagination={listPagination('个版本')}
        />
      </Card>
    </Space>
  );
}
