import { Button, Card, Checkbox, Col, Divider, Form, Input, InputNumber, Radio, Row, Select, Space, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { Org } from '../api/types';
import { useCurrentUser } from '../auth/AuthContext';
import { identityApi } from '../identity/identity-api';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import {
  censusApi, FREQUENCIES, KIND_LABELS, NETWORKS, STATUS_LABELS, SYSTEM_KINDS, SYSTEM_STATUSES, USAGE_SCOPES, type CensusSystemInput,
} from './census-api';

type Values = CensusSystemInput & { orgId?: string };

const DATE_RULE = { pattern: /^\d{4}-\d{2}-\d{2}$/, message: '日期格式为 YYYY-MM-DD，如 2018-11-30' };
const yesNo = [
  { value: true, label: '是' },
  { value: false, label: '否' },
];

/** The census questionnaire (附件2) as a form: create at /census/new, edit at /census/:id/edit. */
export function CensusFormPage() {
  const { id } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const isOverseer = hasRole(me.roles, 'platform_admin');
  const [form] = Form.useForm<Values>();
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [loading, setLoading] = useState(!!id);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const canConnect = Form.useWatch('canConnect', form);
  const manualZombie = Form.useWatch('manualZombie', form);

  useEffect(() => {
    if (isOverseer) identityApi.listOrgs().then(setOrgs, () => setOrgs([]));
  }, [isOverseer]);

  useEffect(() => {
    if (!id) {
      form.setFieldsValue({ kind: '自建', status: '运行', network: '电子政务外网', frequency: '每日', classified: false, manualZombie: false, orgId: me.orgId });
      return;
    }
    censusApi.get(id).then(
      (system) => {
        form.setFieldsValue(system);
        setLoading(false);
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [id, form, me.orgId]);

  async function submit() {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    setError(null);
    // Blank answers are sent as null so that clearing a field clears it on the server.
    const body = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === undefined || v === '' ? null : v])) as Record<string, unknown>;
    try {
      const saved = id
        ? await censusApi.update(id, { ...body, orgId: undefined } as Partial<CensusSystemInput>)
        : await censusApi.create({ ...body, orgId: (body.orgId as string | null) ?? undefined } as Partial<CensusSystemInput>);
      navigate(`/census/${saved.id}`);
    } catch (e) {
      setError(e);
      window.scrollTo({ top: 0 });
    } finally {
      setSaving(false);
    }
  }

  const text = (name: keyof Values, label: string, props: { span?: number; area?: boolean; testId?: string } = {}) => (
    <Col span={props.span ?? 8}>
      <Form.Item label={label} name={name}>
        {props.area ? <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid={props.testId} /> : <Input data-testid={props.testId} />}
      </Form.Item>
    </Col>
  );

  return (
    <Card title={id ? '编辑信息系统' : '新增信息系统'} data-testid={loading ? 'census-form-loading' : 'census-form-page'}>
      <Spin spinning={loading}>
        <ErrorAlert error={error} testId="census-form-error" />
        <Form form={form} layout="vertical" requiredMark="optional">
          <Divider titlePlacement="start">一、系统基本情况</Divider>
          <Row gutter={16}>
            {isOverseer && !id && (
              <Col span={8}>
                <Form.Item label="所属部门" name="orgId" rules={[{ required: true, message: '请选择所属部门' }]}>
                  <Select options={orgs.map((o) => ({ value: o.id, label: o.name }))} showSearch={{ optionFilterProp: 'label' }} data-testid="census-org" />
                </Form.Item>
              </Col>
            )}
            <Col span={8}>
              <Form.Item label="系统名称" name="name" rules={[{ required: true, whitespace: true, message: '请输入系统名称' }, { max: 200 }]}>
                <Input data-testid="census-name" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="系统类型" name="kind" rules={[{ required: true }]}>
                <Radio.Group options={SYSTEM_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="运行状态" name="status" rules={[{ required: true, message: '请选择运行状态' }]}>
                <Radio.Group options={SYSTEM_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} data-testid="census-status" />
              </Form.Item>
            </Col>
            {text('functionDesc', '系统功能描述', { span: 12, area: true })}
            {text('resourceNames', '信息资源名称', { span: 12, area: true })}
          </Row>
          <Divider titlePlacement="start">网络环境</Divider>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item label="运行网络" name="network" rules={[{ required: true, message: '请选择运行网络' }]}>
                <Select options={NETWORKS.map((n) => ({ value: n, label: n }))} data-testid="census-network" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="是否属于涉密网" name="classified">
                <Radio.Group options={yesNo} />
              </Form.Item>
            </Col>
            {text('securityLevel', '安全等级（等保级别或分级保护密级）')}
            {text('secrecyClause', '保密条款名称或条款序号')}
            <Col span={8}>
              <Form.Item label="是否可连接到电子政务外网或互联网" name="canConnect">
                <Radio.Group options={yesNo} />
              </Form.Item>
            </Col>
            {canConnect === true && (
              <Col span={8}>
                <Form.Item label="连接方式" name="connectMethod" rules={[{ required: true, whitespace: true, message: '可连接的须填写连接方式' }]}>
                  <Input placeholder="直接连接，或实际使用的连接方式" />
                </Form.Item>
              </Col>
            )}
            {canConnect === false && (
              <Col span={8}>
                <Form.Item label="不可连接的原因" name="noConnectReason" rules={[{ required: true, whitespace: true, message: '不可连接的须填写原因' }]}>
                  <Input />
                </Form.Item>
              </Col>
            )}
            {text('accessAddress', '访问入口地址')}
            <Col span={8}>
              <Form.Item label="网站集约化" name="websiteIntensive">
                <Radio.Group options={yesNo} />
              </Form.Item>
            </Col>
          </Row>
          <Divider titlePlacement="start">使用情况与责任人</Divider>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item label="使用范围" name="usageScope">
                <Select allowClear options={USAGE_SCOPES.map((s) => ({ value: s, label: s }))} />
              </Form.Item>
            </Col>
            {text('usageScopeDetail', '使用范围说明（科室、部门或层级）', { span: 16 })}
            <Col span={8}>
              <Form.Item label="用户数量" name="userCount" extra="用户数变动频繁的请留空（不固定）">
                <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="census-user-count" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="使用频度" name="frequency" rules={[{ required: true, message: '请选择使用频度' }]}>
                <Select options={FREQUENCIES.map((f) => ({ value: f, label: f }))} data-testid="census-frequency" />
              </Form.Item>
            </Col>
            {text('ownerDivision', '责任科室')}
            {text('ownerName', '责任人姓名')}
            {text('ownerTitle', '责任人职务')}
            {text('ownerPhone', '责任人电话')}
          </Row>
          <Divider titlePlacement="start">二、系统建设运维情况</Divider>
          <Row gutter={16}>
            {text('approver', '审批单位')}
            <Col span={8}>
              <Form.Item label="审批时间" name="approvalDate" rules={[DATE_RULE]}>
                <Input placeholder="YYYY-MM-DD" />
              </Form.Item>
            </Col>
            {text('builder', '建设单位')}
            <Col span={8}>
              <Form.Item label="建设时间" name="buildDate" rules={[DATE_RULE]}>
                <Input placeholder="YYYY-MM-DD" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="质保期（年）" name="warrantyYears">
                <InputNumber min={0} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label="建设资金（万元）" name="buildBudget">
                <InputNumber min={0} precision={2} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            {text('buildBudgetSource', '建设资金来源')}
            <Col span={8}>
              <Form.Item label="运维经费（万元/年）" name="omBudget">
                <InputNumber min={0} precision={2} style={{ width: '100%' }} data-testid="census-om-budget" />
              </Form.Item>
            </Col>
            {text('omBudgetSource', '运维经费来源')}
            {text('omUnit', '运维单位')}
          </Row>
          <Divider titlePlacement="start">三、信息资源共享交换情况</Divider>
          <Row gutter={16}>
            {text('providedTo', '已向其他部门提供的信息资源（名称、部门、共享方式）', { span: 24, area: true, testId: 'census-provided-to' })}
            {text('obtainedFrom', '已从其他部门获取的信息资源（名称、部门、共享方式）', { span: 24, area: true })}
            {text('neededFrom', '需其他部门提供的信息资源（名称、可提供的部门、建议的共享方式）', { span: 24, area: true })}
          </Row>
          <Divider titlePlacement="start">四、其他</Divider>
          <Row gutter={16}>
            {text('techSupport', '技术支撑人员及联系方式', { span: 12, area: true })}
            {text('remarks', '其他说明', { span: 12, area: true })}
            <Col span={8}>
              <Form.Item name="manualZombie" valuePropName="checked">
                <Checkbox data-testid="census-manual-zombie">人工标记为僵尸系统</Checkbox>
              </Form.Item>
            </Col>
            {manualZombie && (
              <Col span={16}>
                <Form.Item
                  label="标记原因（如：与业务脱节、功能可被其他系统替代）"
                  name="manualZombieReason"
                  rules={[{ required: true, whitespace: true, message: '请填写标记原因' }]}
                >
                  <Input data-testid="census-manual-zombie-reason" />
                </Form.Item>
              </Col>
            )}
          </Row>
        </Form>
        <Space>
          <Button type="primary" loading={saving} onClick={() => void submit()} data-testid="census-save">
            保存
          </Button>
          <Button onClick={() => navigate(id ? `/census/${id}` : '/census')}>取消</Button>
        </Space>
      </Spin>
    </Card>
  );
}
