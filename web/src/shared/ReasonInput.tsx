import { Input } from 'antd';

/** The text box for a reason, comment or reply that a decision carries (退回原因, 拒绝理由, 撤销理由 …). */
export function ReasonInput({ value, onChange, placeholder, testId }: { value: string; onChange(value: string): void; placeholder: string; testId: string }) {
  return (
    <Input.TextArea
      value={value}
      onChange={(e) => onChange(e.target.value)}
      autoSize={{ minRows: 3, maxRows: 6 }}
      maxLength={2000}
      placeholder={placeholder}
      data-testid={testId}
    />
  );
}
