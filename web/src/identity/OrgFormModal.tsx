import { Form, Input, Modal, Select, TreeSelect } from 'antd';
import { useEffect, useMemo } from 'react';
import type { Org, OrgLevel } from '../api/types';
import { ErrorAlert } from '../shared/ErrorAlert';
import { ORG_LEVEL_LABELS } from '../shared/roles';
import { useSubmit } from '../shared/useSubmit';
import { buildOrgTree, descendantIds, identityApi, type OrgNode } from './identity-api';
import { RegionSelect } from './RegionSelect';

interface Values {
  name: string;
  uscc: string;
  regionCode: string;
  parentId?: string;
  level: OrgLevel;
}

/** 18 characters of GB 32100 (no I, O, S, V, Z); the check digit is left to the server. */
const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

interface TreeOption {
  value: string;
  title: string;
  disabled?: boolean;
  children?: TreeOption[];
}

function toTreeOptions(nodes: OrgNode[], excluded: Set<string>): TreeOption[] {
  return nodes.map((node) => ({
    value: node.id,
    title: node.name,
    disabled: excluded.has(node.id),
    children: node.children ? toTreeOptions(node.children, excluded) : undefined,
  }));
}

interface Props {
  open: boolean;
  /** The department being edited, or null to create one. */
  editing: Org | null;
  orgs: Org[];
  onClose(): void;
  onSaved(org: Org): void;
}

export function OrgFormModal({ open, editing, orgs, onClose, onSaved }: Props) {
  const [form] = Form.useForm<Values>();
  const { submitting: saving, error, clearError, runValidated } = useSubmit();

  useEffect(() => {
    if (!open) return;
    clearError();
    form.resetFields();
    if (editing) {
      form.setFieldsValue({
        name: editing.name,
        uscc: editing.uscc,
        regionCode: editing.regionCode,
        parentId: editing.parentId ?? undefined,
        level: editing.level,
      });
    }
  }, [open, editing, form, clearError]);

  const parentOptions = useMemo(
    () => toTreeOptions(buildOrgTree(orgs), editing ? descendantIds(orgs, editing.id) : new Set()),
    [orgs, editing],
  );

  function submit() {
    return runValidated(form, async (values) => {
      const saved = editing
        ? await identityApi.updateOrg(editing.id, {
            name: values.name.trim(),
            regionCode: values.regionCode,
            parentId: values.parentId ?? null,
            level: values.level,
          })
        : await identityApi.createOrg({
            name: values.name.trim(),
            uscc: values.uscc.trim().toUpperCase(),
            regionCode: values.regionCode,
            parentId: values.parentId ?? null,
            level: values.level,
          });
      onSaved(saved);
    });
  }

  return (
    <Modal
      open={open}
      title={editing ? '编辑部门' : '新增部门'}
      okText="保存"
      cancelText="取消"
      confirmLoading={saving}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      forceRender
      data-testid="org-modal"
    >
      <ErrorAlert error={error} testId="org-form-error" />
      <Form form={form} layout="vertical" requiredMark="optional" initialValues={{ level: 'city' }}>
        <Form.Item label="部门名称" name="name" rules={[{ required: true, whitespace: true, message: '请输入部门名称' }, { max: 100 }]}>
          <Input data-testid="org-name" />
        </Form.Item>
        <Form.Item
          label="统一社会信用代码"
          name="uscc"
          normalize={(v: string | undefined) => v?.toUpperCase()}
          rules={[
            { required: true, message: '请输入统一社会信用代码' },
            { pattern: USCC_PATTERN, message: '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）' },
          ]}
          extra={editing ? '统一社会信用代码创建后不可修改' : undefined}
        >
          <Input maxLength={18} disabled={!!editing} data-testid="org-uscc" />
        </Form.Item>
        <Form.Item label="行政区划" name="regionCode" rules={[{ required: true, message: '请选择行政区划' }]}>
          <RegionSelect initialLabel={editing?.regionName} data-testid="org-region" />
        </Form.Item>
        <Form.Item label="上级部门" name="parentId">
          <TreeSelect
            treeData={parentOptions}
            allowClear
            treeDefaultExpandAll
            placeholder="不选择则为顶级部门"
            showSearch={{ treeNodeFilterProp: 'title' }}
            data-testid="org-parent"
          />
        </Form.Item>
        <Form.Item label="层级" name="level" rules={[{ required: true, message: '请选择层级' }]}>
          <Select
            options={(Object.keys(ORG_LEVEL_LABELS) as OrgLevel[]).map((level) => ({ value: level, label: ORG_LEVEL_LABELS[level] }))}
            data-testid="org-level"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
