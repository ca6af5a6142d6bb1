import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Radio, Space, Table, Tag, Typography, Upload, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useSubmit } from '../shared/useSubmit';
import { catalogApi, problemsOf, type ImportBlock, type ImportReport } from './catalog-api';

/** 目录导入: upload an annex-4 workbook, 试导入 (dry run) first, then 正式导入. */
export function CatalogImportPage() {
  const me = useCurrentUser();
  const [file, setFile] = useState<File | null>(null);
  const [submitAfter, setSubmitAfter] = useState(false);
  const [report, setReport] = useState<{ dryRun: boolean; data: ImportReport } | null>(null);
  const [dryRunDone, setDryRunDone] = useState(false);
  const [onlyErrors, setOnlyErrors] = useState(false);
  const { submitting, error, run } = useSubmit();

  function upload(dryRun: boolean) {
    if (!file) return;
    void run(async () => {
      setReport(null);
      const data = await catalogApi.importWorkbook(file, { dryRun, submit: !dryRun && submitAfter });
      setReport({ dryRun, data });
      setOnlyErrors(data.failed > 0);
      if (dryRun) setDryRunDone(true);
    });
  }

  const blocks = report ? (onlyErrors ? report.data.resources.filter((b) => b.errors.length > 0) : report.data.resources) : [];
  const fileProblems = problemsOf(error);

  const columns: TableColumnsType<ImportBlock> = [
    { title: '起始行', dataIndex: 'row', key: 'row', width: 80, render: (v: number) => <span data-testid="import-row">{v}</span> },
    { title: '资源名称', dataIndex: 'name', key: 'name', render: (v: string, b) => (b.id ? <Link to={`/catalog/resources/${b.id}`}>{v}</Link> : v || '（无名称）') },
    {
      title: '结果',
      key: 'result',
      width: 200,
      render: (_, b) =>
        b.errors.length > 0 ? (
          <Tag color="red" data-testid="import-result">有错误（{b.errors.length}）</Tag>
        ) : (
          <Space size={4}>
            <Tag color={report?.dryRun ? 'blue' : 'green'} data-testid="import-result">{report?.dryRun ? '可导入' : '已导入'}</Tag>
            {b.action && <Tag>{b.action === 'revised' ? '新版本' : '新建'}</Tag>}
          </Space>
        ),
    },
    { title: '信息资源代码', dataIndex: 'code', key: 'code', width: 170, render: (v?: string) => (v ? <span className="mono">{v}</span> : '-') },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="catalog-import-page">
      <Card title="目录导入">
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="请上传按《政务信息资源目录编制指南》附件4模板填写的 Excel 文件（.xlsx，不超过 50 MB）。"
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              <li>每个信息资源占连续若干行（每个信息项一行），资源级单元格可合并、重复或留空。</li>
              <li>同一提供方下已有同名资源的，导入为该资源的新版本；有错误的资源块不会写入，其余资源块照常导入。</li>
              <li>{hasRole(me.roles, 'platform_admin') ? '平台管理员可导入各部门的资源。' : `只能导入本部门（${me.orgName}）的资源。`}请先“试导入”检查，再“正式导入”。</li>
            </ul>
          }
        />
        <Upload.Dragger
          accept=".xlsx"
          maxCount={1}
          beforeUpload={(f) => {
            setFile(f);
            setReport(null);
            setDryRunDone(false);
            return false;
          }}
          onRemove={() => {
            setFile(null);
            setReport(null);
            setDryRunDone(false);
          }}
          data-testid="import-file"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">点击或拖拽目录文件（.xlsx）到此处</p>
        </Upload.Dragger>
        <Space style={{ marginTop: 16 }} wrap>
          <Button loading={submitting && !dryRunDone} disabled={!file || submitting} onClick={() => upload(true)} data-testid="import-dry-run">
            试导入
          </Button>
          <Button type="primary" loading={submitting && dryRunDone} disabled={!file || !dryRunDone || submitting} onClick={() => upload(false)} data-testid="import-run">
            正式导入
          </Button>
          <Checkbox checked={submitAfter} onChange={(e) => setSubmitAfter(e.target.checked)} data-testid="import-submit">
            导入后提交审核
          </Checkbox>
          {!dryRunDone && file && <Typography.Text type="secondary">请先试导入，检查无误后再正式导入。</Typography.Text>}
        </Space>
      </Card>
      {(error !== null || report) && (
        <Card title={report ? (report.dryRun ? '试导入结果' : '导入结果') : '导入失败'} data-testid="import-report">
          <ErrorAlert error={error} testId="import-error" />
          {fileProblems.length > 0 && (
            <Table
              rowKey={(p) => `${p.column}-${p.message}`}
              size="small"
              pagination={false}
              dataSource={fileProblems}
              columns={[{ title: '列', dataIndex: 'column', key: 'column', width: 200 }, { title: '说明', dataIndex: 'message', key: 'message' }]}
            />
          )}
          {report && (
            <>
              <Alert
                type={report.data.failed > 0 ? 'warning' : 'success'}
                showIcon
                style={{ marginBottom: 12 }}
                data-testid="import-summary"
                title={
                  report.dryRun
                    ? `共 ${report.data.resources.length} 个资源块：${report.data.imported} 个可导入，${report.data.failed} 个有错误。${report.data.failed > 0 ? '有错误的资源块不会导入，请修改文件后重新上传。' : '检查通过，可以正式导入。'}`
                    : `共 ${report.data.resources.length} 个资源块：已导入 ${report.data.imported} 个，${report.data.failed} 个有错误未导入。${submitAfter ? '已导入的资源已提交审核。' : ''}`
                }
              />
              <Radio.Group
                value={onlyErrors}
                onChange={(e) => setOnlyErrors(e.target.value as boolean)}
                optionType="button"
                style={{ marginBottom: 12 }}
                options={[
                  { value: false, label: `全部（${report.data.resources.length}）` },
                  { value: true, label: `仅看有错误（${report.data.failed}）` },
                ]}
              />
              <Table<ImportBlock>
                rowKey="row"
                size="small"
                columns={columns}
                dataSource={blocks}
                data-testid="import-blocks"
                pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
                rowClassName={(b) => (b.errors.length > 0 ? 'import-block-error' : '')}
                expandable={{
                  rowExpandable: (b) => b.errors.length > 0,
                  defaultExpandAllRows: true,
                  expandedRowRender: (b) => (
                    <Table
                      rowKey={(e) => `${e.column}-${e.message}`}
                      size="small"
                      pagination={false}
                      dataSource={b.errors}
                      data-testid="import-block-errors"
                      columns={[
                        { title: '列', dataIndex: 'column', key: 'column', width: 200, render: (v: string) => <Tag color="red">{v}</Tag> },
                        { title: '说明', dataIndex: 'message', key: 'message' },
                      ]}
                    />
                  ),
                }}
              />
            </>
          )}
        </Card>
      )}
    </Space>
  );
}
