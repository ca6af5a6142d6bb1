import dayjs from 'dayjs';

export function formatTime(value: string | null | undefined): string {
  if (!value) return '-';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : value;
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} 天`);
  if (days || hours) parts.push(`${hours} 小时`);
  if (days || hours || minutes) parts.push(`${minutes} 分`);
  parts.push(`${seconds} 秒`);
  return parts.join(' ');
}
