import { App, Button, Modal, Space } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useSubmit } from '../shared/useSubmit';
import { catalogApi } from './catalog-api';
import { ReasonInput } from '../shared/ReasonInput';

/** 通过 (optional comment) / 退回 (comment required) of a submitted version; the platform admin's review. */
export function ReviewActions({ resourceId, name, onDone }: { resourceId: string; name: string; onDone(): void }) {
  const { message } = App.useApp();
  const [mode, setMode] = useState<'approve' | 'return' | null>(null);
  const [comment, setComment] = useState('');
  const { submitting, error, clearError, run } = useSubmit();

  function open(next: 'approve' | 'return') {
    setComment('');
    clearError();
    setMode(next);
  }

  const commentMissing = mode === 'return' && comment.trim() === '';

  return (
    <>
      <Space>
        <Button type="primary" onClick={() => open('approve')} data-testid="review-approve">
          通过
        </Button>
        <Button danger onClick={() => open('return')} data-testid="review-return">
          退回
        </Button>
      </Space>
      <Modal
        open={mode !== null}
        title={mode === 'approve' ? `审核通过“${name}”` : `退回“${name}”`}
        okText={mode === 'approve' ? '确认通过' : '确认退回'}
        cancelText="取消"
        confirmLoading={submitting}
        okButtonProps={{ disabled: commentMissing, danger: mode === 'return', ...({ 'data-testid': 'review-confirm' } as Record<string, string>) }}
        onCancel={() => setMode(null)}
        destroyOnHidden
        onOk={() =>
          void run(async () => {
            const text = comment.trim();
            if (mode === 'approve') await catalogApi.approve(resourceId, text || null);
            else await catalogApi.returnForChanges(resourceId, text);
            message.success(mode === 'approve' ? `已通过并发布“${name}”` : `已退回“${name}”`);
            setMode(null);
            onDone();
          })
        }
      >
        <ErrorAlert error={error} testId="review-error" />
        <ReasonInput value={comment} onChange={setComment} placeholder={mode === 'approve' ? '审核意见（选填）' : '退回原因（必填），说明需要修改的内容'} testId="review-comment" />
      </Modal>
    </>
  );
}

/** 下架 with a required reason. */
export function RetireAction({ resourceId, name, onDone, size }: { resourceId: string; name: string; onDone(): void; size?: 'small' }) {
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { submitting, error, clearError, run } = useSubmit();

  return (
    <>
      <Button
        danger
        size={size}
        type={size === 'small' ? 'link' : 'default'}
        onClick={() => {
          setReason('');
          clearError();
          setOpen(true);
        }}
        data-testid="resource-retire"
      >
        下架
      </Button>
      <Modal
        open={open}
        title={`下架“${name}”`}
        okText="确认下架"
        cancelText="取消"
        confirmLoading={submitting}
        okButtonProps={{ danger: true, disabled: reason.trim() === '', ...({ 'data-testid': 'retire-confirm' } as Record<string, string>) }}
        onCancel={() => setOpen(false)}
        destroyOnHidden
        onOk={() =>
          void run(async () => {
            await catalogApi.retire(resourceId, reason.trim());
            message.success(`已下架“${name}”`);
            setOpen(false);
            onDone();
          })
        }
      >
        <p>下架后资源仍可查阅，但不能再申请共享。</p>
        <ErrorAlert error={error} testId="retire-error" />
        <ReasonInput value={reason} onChange={setReason} placeholder="下架原因（必填），如部门职责调整、数据不再产生" testId="retire-reason" />
      </Modal>
    </>
  );
}
