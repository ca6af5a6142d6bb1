import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Modal, Table, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { censusApi, type ImportReport } from './census-api';

interface Props {
  open: boolean;
  /** The department chosen on the list page (platform admin); rows may also name their department. */
  orgId?: string;
  onClose(): void;
  onImported(): void;
}

/** Uploads the census spreadsheet; shows every error by row and column, or what was (or would be) imported. */
export function CensusImportModal({ open, orgId, onClose, onImported }: Props) {
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!open) return;
    setFile(null);
    setReport(null);
    setError(null);
    setDryRun(true);
  }, [open]);

  async function submit() {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const result = await censusApi.importFile(file, { dryRun, orgId });
      setReport(result);
      if (result.ok && !result.dryRun) onImported();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title="导入信息系统普查表"
      width={760}
      onCancel={onClose}
      destroyOnHidden
      data-testid="census-import-modal"
      footer={[
        <Button key="close" onClick={onClose}>
          关闭
        </Button>,
        <Button key="ok" type="primary" loading={busy} disabled={!file} onClick={() => void submit()} data-testid="census-import-submit">
          {dryRun ? '校验' : '导入'}
        </Button>,
      ]}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="请使用“导出”得到的普查表填写，按列标题识别各项。同一部门按系统名称匹配：已有的更新，没有的新增。任何一行有错误时不会导入任何数据。"
      />
      <Upload.Dragger
        accept=".xlsx"
        maxCount={1}
        beforeUpload={(f) => {
          setFile(f);
          setReport(null);
          return false;
        }}
        onRemove={() => setFile(null)}
        data-testid="census-import-file"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">点击或拖拽 Excel 文件（.xlsx）到此处</p>
      </Upload.Dragger>
      <Checkbox checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} style={{ marginTop: 12 }} data-testid="census-import-dry-run">
        仅校验，不写入（试导入）
      </Checkbox>
      <div style={{ marginTop: 16 }}>
        <ErrorAlert error={error} testId="census-import-error" />
        {report && report.ok && (
          <Alert
            type="success"
            showIcon
            data-testid="census-import-result"
            title={report.dryRun
              ? `校验通过：共 ${report.total} 行，将新增 ${report.created} 个、更新 ${report.updated} 个系统。取消勾选“仅校验”后再次提交即可导入。`
              : `导入成功：共 ${report.total} 行，新增 ${report.created} 个、更新 ${report.updated} 个系统。`}
          />
        )}
        {report && !report.ok && (
          <>
            <Alert type="error" showIcon style={{ marginBottom: 12 }} title={`文件中有 ${report.errors.length} 处错误，未导入任何数据。请修改后重新上传。`} data-testid="census-import-result" />
            <Table
              rowKey={(e) => `${e.row}-${e.column}-${e.message}`}
              size="small"
              pagination={false}
              scroll={{ y: 280 }}
              dataSource={report.errors}
              data-testid="census-import-errors"
              columns={[
                { title: '行号', dataIndex: 'row', key: 'row', width: 70 },
                { title: '列', dataIndex: 'column', key: 'column', width: 200 },
                { title: '错误说明', dataIndex: 'message', key: 'message' },
              ]}
            />
          </>
        )}
      </div>
    </Modal>
  );
}
