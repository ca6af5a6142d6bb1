import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Divider, Form, Input, InputNumber, Radio, Row, Select, Space, Spin, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { Org } from '../api/types';
import { useCurrentUser } from '../auth/AuthContext';
import { identityApi } from '../identity/identity-api';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { catalogApi, problemsOf, type CategoryNode, type InfoItem, type ResourceBody, type ResourceDetail } from './catalog-api';
import {
  COLUMN_FIELDS, DATA_TYPE_LABELS, DATA_TYPES, FORMAT_CLASSES, FORMAT_TYPES, SHARE_METHOD_CLASSES, SHARE_METHOD_TYPES, SHARE_TYPES,
  UPDATE_CYCLES, type FormatClass,
} from './catalog-constants';

type Values = Omit<ResourceBody, 'publishDate' | 'isOpen' | 'items'> & {
  publishDate: Dayjs | null;
  isOpen: boolean;
  items: (Partial<InfoItem> & { name?: string })[];
};

const blankToNull = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v.trim());

function categoryOptions(nodes: CategoryNode[]): { value: string; title: string; children: ReturnType<typeof categoryOptions> }[] {
  return nodes.map((n) => ({ value: n.id, title: `${n.code} ${n.name}`, children: categoryOptions(n.children) }));
}

/** Create (/catalog/department/new) or edit (/catalog/department/:id/edit) a resource's working version. */
export function ResourceEditorPage() {
  const { id } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const isPlatform = hasRole(me.roles, 'platform_admin');
  const [form] = Form.useForm<Values>();
  const [resource, setResource] = useState<ResourceDetail | null>(null);
  const [categories, setCategories] = useState<CategoryNode[]>([]);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [loading, setLoading] = useState(!!id);
  const [saving, setSaving] = useState<'draft' | 'submit' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [otherProblems, setOtherProblems] = useState<string[]>([]);
  const shareType = Form.useWatch('shareType', form);
  const formatClass = Form.useWatch('formatClass', form) as FormatClass | undefined;
  const shareMethodClass = Form.useWatch('shareMethodClass', form);
  const isOpen = Form.useWatch('isOpen', form);

  useEffect(() => {
    catalogApi.categories().then(setCategories, () => setCategories([]));
    if (isPlatform && !id) identityApi.listOrgs().then(setOrgs, () => setOrgs([]));
  }, [isPlatform, id]);

  useEffect(() => {
    if (!id) {
      form.setFieldsValue({
        formatClass: '数据库', shareType: '有条件共享', shareMethodClass: '共享平台方式', shareMethodType: '接口', isOpen: false,
        updateCycle: '每日', publishDate: dayjs(), items: [{ name: '', dataType: 'C', length: null }],
      });
      if (isPlatform) identityApi.listOrgs().then((list) => form.setFieldValue('providerCode', list.find((o) => o.id === me.orgId)?.uscc), () => undefined);
      return;
    }
    catalogApi.get(id).then(
      (r) => {
        setResource(r);
        const v = r.working ?? r.published;
        if (v) form.setFieldsValue({ ...v, publishDate: dayjs(v.publishDate), categoryId: r.categoryId });
        setLoading(false);
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [id, form, isPlatform, me.orgId]);

  const working = resource?.working ?? null;
  const startsNewVersion = !!resource && resource.status === 'published' && !working;
  const underReview = working?.status === 'submitted';
  const retired = resource?.status === 'retired';
  const nextVersion = resource ? Math.max(0, ...resource.versions.map((v) => v.versionNo)) + 1 : 1;

  /** Puts the server's `problems` on the fields they name; the rest are listed above the form. */
  function showProblems(e: unknown) {
    const problems = problemsOf(e);
    const fieldErrors = new Map<string, string[]>();
    const rest: string[] = [];
    for (const p of problems) {
      const field = COLUMN_FIELDS[p.column.replace(/（.*）$/, '')];
      const itemNo = /第(\d+)个信息项/.exec(p.message)?.[1];
      let name: string | null = field && field !== 'items' ? field : null;
      if (field === 'items' && itemNo) {
        const sub = p.column === '数据类型' ? 'dataType' : p.column === '数据长度' ? 'length' : 'name';
        name = JSON.stringify(['items', Number(itemNo) - 1, sub]);
      }
      if (name) fieldErrors.set(name, [...(fieldErrors.get(name) ?? []), p.message]);
      else rest.push(`${p.column}：${p.message}`);
    }
    form.setFields([...fieldErrors].map(([name, errors]) => ({ name: name.startsWith('[') ? JSON.parse(name) : name, errors })));
    setOtherProblems(rest);
  }

  async function save(then: 'draft' | 'submit') {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(then);
    setError(null);
    setOtherProblems([]);
    const withheld = values.shareType === '不予共享';
    const body: ResourceBody = {
      name: values.name.trim(),
      summary: values.summary.trim(),
      providerDivision: blankToNull(values.providerDivision),
      formatClass: values.formatClass,
      formatType: blankToNull(values.formatType),
      formatOther: blankToNull(values.formatOther),
      items: values.items.map((i) => ({ name: (i.name ?? '').trim(), dataType: i.dataType!, length: i.length ?? null })),
      shareType: values.shareType,
      shareCondition: values.shareCondition?.trim() ?? '',
      shareMethodClass: withheld ? null : values.shareMethodClass ?? null,
      shareMethodType: withheld ? null : values.shareMethodType ?? null,
      isOpen: values.isOpen,
      openCondition: values.isOpen ? blankToNull(values.openCondition) : null,
      updateCycle: values.updateCycle,
      publishDate: values.publishDate!.format('YYYY-MM-DD'),
      relatedClass: blankToNull(values.relatedClass),
      categoryId: values.categoryId ?? null,
      ...(id ? {} : { code: blankToNull(values.code), ...(values.providerCode ? { providerCode: values.providerCode } : {}) }),
    };
    try {
      const saved = id ? await catalogApi.saveDraft(id, body) : await catalogApi.create(body);
      if (then === 'submit') await catalogApi.submit(saved.id);
      navigate(`/catalog/resources/${saved.id}`);
    } catch (e) {
      setError(e);
      showProblems(e);
      window.scrollTo({ top: 0 });
    } finally {
      setSaving(null);
    }
  }

  const formatTypes = formatClass ? FORMAT_TYPES[formatClass] ?? [] : [];
  const withheld = shareType === '不予共享';

  return (
    <Card title={id ? `编辑信息资源${resource ? `：${resource.name}` : ''}` : '新建信息资源'} data-testid="resource-editor-page">
      <Spin spinning={loading}>
        {startsNewVersion && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} data-testid="editor-new-version"
            title={`该资源已发布。保存后将生成第 ${nextVersion} 版（草稿），提交并审核通过后替换当前发布的第 ${resource!.published!.versionNo} 版；在此之前共享目录仍显示已发布版本。`} />
        )}
        {working && !underReview && (
          <Alert type={working.status === 'returned' ? 'warning' : 'info'} showIcon style={{ marginBottom: 16 }}
            title={`正在编辑第 ${working.versionNo} 版（${working.status === 'returned' ? '已退回' : '草稿'}）`}
            description={working.reviewComment ? `审核意见：${working.reviewComment}` : undefined} />
        )}
        {underReview && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={`第 ${working!.versionNo} 版正在审核中，审核完成前不能修改。`} />}
        {retired && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="该资源已下架，不能再修改。" />}
        <ErrorAlert error={error} testId="editor-error" />
        {otherProblems.length > 0 && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} title="请修改以下问题" description={<ul style={{ margin: 0 }}>{otherProblems.map((p) => <li key={p}>{p}</li>)}</ul>} />
        )}
        <Form form={form} layout="vertical" requiredMark disabled={underReview || retired}>
          <Divider titlePlacement="start">基本信息</Divider>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item label="信息资源名称" name="name" rules={[{ required: true, whitespace: true, message: '请输入信息资源名称' }, { max: 200 }]}>
                <Input data-testid="editor-name" />
              </Form.Item>
            </Col>
            <Col span={12}>
              {id ? (
                <Form.Item label="信息资源代码">
                  <Input value={resource?.code} disabled />
                </Form.Item>
              ) : (
                <Form.Item label="信息资源代码" name="code" extra="不填则由平台按资源分类自动赋码"
                  rules={[{ pattern: /^\d{9}\/\d{6}$/, message: '应为“9位分类码/6位顺序码”，如 101000000/000123' }]}>
                  <Input placeholder="如 300002000/000123（选填）" data-testid="editor-code" />
                </Form.Item>
              )}
            </Col>
            <Col span={12}>
              {isPlatform && !id ? (
                <Form.Item label="信息资源提供方" name="providerCode" rules={[{ required: true, message: '请选择提供方部门' }]}>
                  <Select options={orgs.map((o) => ({ value: o.uscc, label: o.name }))} showSearch={{ optionFilterProp: 'label' }} data-testid="editor-provider" />
                </Form.Item>
              ) : (
                <Form.Item label="信息资源提供方">
                  <Input value={resource ? resource.providerName : me.orgName} disabled />
                </Form.Item>
              )}
            </Col>
            <Col span={12}>
              <Form.Item label="提供方内部部门" name="providerDivision">
                <Input placeholder="如 人口管理支队（选填）" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item label="信息资源摘要" name="summary" rules={[{ required: true, whitespace: true, message: '请输入信息资源摘要' }, { max: 4000 }]}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid="editor-summary" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="资源分类" name="categoryId" extra="不选则归入提供方的部门信息资源类">
                <TreeSelect allowClear treeData={categoryOptions(categories)} showSearch={{ treeNodeFilterProp: 'title' }} placeholder="部门信息资源类（默认）" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item label="关联及类目名称" name="relatedClass">
                <Input placeholder="如 基础信息资源/人口基础信息（选填）" />
              </Form.Item>
            </Col>
          </Row>
          <Divider titlePlacement="start">格式与更新</Divider>
          <Row gutter={16}>
            <Col span={6}>
              <Form.Item label="格式分类" name="formatClass" rules={[{ required: true, message: '请选择格式分类' }]}>
                <Select options={FORMAT_CLASSES.map((c) => ({ value: c, label: c }))} onChange={() => form.setFieldValue('formatType', null)} data-testid="editor-format-class" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item label="格式类型" name="formatType">
                <Select allowClear disabled={formatTypes.length === 0} options={formatTypes.map((t) => ({ value: t, label: t }))} placeholder={formatTypes.length ? '请选择' : '本分类无类型'} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item label="其他描述" name="formatOther">
                <Input placeholder="选填" />
              </Form.Item>
            </Col>
            <Col span={3}>
              <Form.Item label="更新周期" name="updateCycle" rules={[{ required: true, message: '请选择更新周期' }]}>
                <Select options={UPDATE_CYCLES.map((c) => ({ value: c, label: c }))} data-testid="editor-update-cycle" />
              </Form.Item>
            </Col>
            <Col span={3}>
              <Form.Item label="发布日期" name="publishDate" rules={[{ required: true, message: '请选择发布日期' }]}>
                <DatePicker style={{ width: '100%' }} allowClear={false} data-testid="editor-publish-date" />
              </Form.Item>
            </Col>
          </Row>
          <Divider titlePlacement="start">共享与开放</Divider>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item label="共享类型" name="shareType" rules={[{ required: true, message: '请选择共享类型' }]}>
                <Radio.Group options={SHARE_TYPES.map((s) => ({ value: s, label: s }))} data-testid="editor-share-type" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="共享方式分类" name="shareMethodClass" rules={[{ required: !withheld, message: '有条件共享和无条件共享须选择共享方式' }]}>
                <Select allowClear disabled={withheld} options={SHARE_METHOD_CLASSES.map((c) => ({ value: c, label: c }))} placeholder={withheld ? '不予共享无需填写' : '请选择'} data-testid="editor-share-method-class" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="共享方式类型" name="shareMethodType"
                rules={[{ required: !withheld && shareMethodClass === '共享平台方式', message: '共享平台方式须注明类型：接口、数据库或文件' }]}>
                <Select allowClear disabled={withheld} options={SHARE_METHOD_TYPES.map((t) => ({ value: t, label: t }))} placeholder={shareMethodClass === '邮件或介质方式' ? '可不填' : '请选择'} data-testid="editor-share-method-type" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item
                label={withheld ? '共享条件（不予共享的法律、行政法规或政策依据）' : '共享条件'}
                name="shareCondition"
                extra={withheld ? '不予共享的资源必须注明依据，如《中华人民共和国××法》第×条' : shareType === '有条件共享' ? '写明共享的条件和使用要求' : '写明使用要求'}
                rules={[{ required: true, whitespace: true, message: withheld ? '不予共享的资源必须注明法律、行政法规或政策依据' : '请填写共享条件' }, { max: 4000 }]}
              >
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} data-testid="editor-share-condition" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="是否向社会开放" name="isOpen" rules={[{ required: true }]}>
                <Radio.Group options={[{ value: true, label: '是' }, { value: false, label: '否' }]} />
              </Form.Item>
            </Col>
            <Col span={16}>
              <Form.Item label="开放条件" name="openCondition">
                <Input disabled={!isOpen} placeholder={isOpen ? '选填' : '不向社会开放'} />
              </Form.Item>
            </Col>
          </Row>
          <Divider titlePlacement="start">信息项</Divider>
          <Form.List
            name="items"
            rules={[{ validator: async (_, items: unknown[]) => { if (!items || items.length === 0) throw new Error('至少需要一个信息项'); } }]}
          >
            {(fields, { add, remove }, { errors }) => (
              <div data-testid="editor-items">
                <Row gutter={8} style={{ fontWeight: 500, marginBottom: 8 }}>
                  <Col span={1}>序号</Col>
                  <Col span={11}>信息项名称</Col>
                  <Col span={6}>数据类型</Col>
                  <Col span={4}>数据长度</Col>
                </Row>
                {fields.map((field, index) => (
                  <Row gutter={8} key={field.key} data-testid="editor-item-row">
                    <Col span={1} style={{ lineHeight: '32px' }}>{index + 1}</Col>
                    <Col span={11}>
                      <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: '请输入信息项名称' }]}>
                        <Input placeholder="如 公民身份号码" data-testid="editor-item-name" />
                      </Form.Item>
                    </Col>
                    <Col span={6}>
                      <Form.Item name={[field.name, 'dataType']} rules={[{ required: true, message: '请选择数据类型' }]}>
                        <Select options={DATA_TYPES.map((t) => ({ value: t, label: `${DATA_TYPE_LABELS[t]} ${t}` }))} data-testid="editor-item-type" />
                      </Form.Item>
                    </Col>
                    <Col span={4}>
                      <Form.Item name={[field.name, 'length']}>
                        <InputNumber min={0} precision={0} style={{ width: '100%' }} placeholder="选填" data-testid="editor-item-length" />
                      </Form.Item>
                    </Col>
                    <Col span={2}>
                      <Button icon={<DeleteOutlined />} disabled={fields.length <= 1} onClick={() => remove(field.name)} aria-label="删除信息项" data-testid="editor-item-remove" />
                    </Col>
                  </Row>
                ))}
                <Form.ErrorList errors={errors} />
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', dataType: 'C', length: null })} data-testid="editor-item-add">
                  添加信息项
                </Button>
              </div>
            )}
          </Form.List>
        </Form>
        <Divider />
        <Space>
          <Button onClick={() => navigate(-1)}>取消</Button>
          <Button loading={saving === 'draft'} disabled={underReview || retired || saving !== null} onClick={() => void save('draft')} data-testid="editor-save">
            {startsNewVersion ? `保存为第 ${nextVersion} 版草稿` : '保存草稿'}
          </Button>
          <Button type="primary" loading={saving === 'submit'} disabled={underReview || retired || saving !== null} onClick={() => void save('submit')} data-testid="editor-save-submit">
            保存并提交审核
          </Button>
          <Typography.Text type="secondary">提交后由平台管理员审核，通过后发布到共享目录。</Typography.Text>
        </Space>
      </Spin>
    </Card>
  );
}
