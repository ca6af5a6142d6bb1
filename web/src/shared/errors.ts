import dayjs from 'dayjs';
import { ApiError } from '../api/client';

/** Chinese texts for the stable error codes of the contract, used when the server's message is not Chinese. */
const CODE_MESSAGES: Record<string, string> = {
  AUTH_INVALID: '用户名或密码错误',
  AUTH_LOCKED: '账号已被锁定，请稍后再试',
  AUTH_DISABLED: '账号已被禁用，请联系管理员',
  AUTH_REQUIRED: '请先登录',
  AUTH_SESSION_EXPIRED: '会话已过期，请重新登录',
  RATE_LIMITED: '登录尝试过于频繁，请稍后再试',
  CSRF_INVALID: '安全令牌已失效，请刷新页面后重试',
  FORBIDDEN: '无权执行此操作',
  PASSWORD_CHANGE_REQUIRED: '请先修改初始密码',
  PASSWORD_POLICY: '新密码不符合密码策略：至少 8 位，包含大写字母、小写字母、数字、特殊字符中的至少 3 类',
  PASSWORD_OLD_INVALID: '原密码不正确',
  PASSWORD_REUSED: '新密码不能与近期使用过的密码相同',
  ROLE_SEPARATION: '三员分立：系统管理员、安全管理员、安全审计员不能由同一账号兼任',
  ORG_USCC_INVALID: '统一社会信用代码格式或校验位不正确',
  ORG_USCC_DUPLICATE: '该统一社会信用代码已被其他部门使用',
  ORG_REGION_INVALID: '行政区划代码无效',
  ORG_PARENT_INVALID: '上级部门无效（不存在或形成循环）',
  USERNAME_TAKEN: '用户名已存在',
  ROLE_INVALID: '角色无效',
  ORG_NOT_FOUND: '部门不存在',
  USER_NOT_FOUND: '账号不存在',
  NETWORK_ERROR: '无法连接服务器，请检查网络后重试',
};

/** Server messages read "English text (中文说明)."; the trailing Chinese part is what the console shows. */
const TRAILING_CHINESE = /[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）][.。]?\s*$/;

/** The Chinese message to show for an error. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'AUTH_LOCKED') return lockedMessage(error);
    if (error.code === 'AUTH_INVALID') {
      const remaining = error.body.remainingAttempts;
      return typeof remaining === 'number' && remaining > 0
        ? `用户名或密码错误，再失败 ${remaining} 次账号将被锁定`
        : '用户名或密码错误';
    }
    const chinese = TRAILING_CHINESE.exec(error.message)?.[1];
    if (chinese) return chinese;
    if (CODE_MESSAGES[error.code]) return CODE_MESSAGES[error.code];
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return '操作失败，请稍后再试';
}

/** The server's own message when it adds something to `describeError` (shown as detail under form errors). */
export function errorDetail(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status === 0) return undefined;
  const shown = describeError(error);
  if (!error.message || error.message === shown) return undefined;
  return `${error.message}（错误码：${error.code}）`;
}

function lockedMessage(error: ApiError): string {
  const until = error.body.lockedUntil;
  if (typeof until === 'string' && dayjs(until).isValid()) {
    return `连续登录失败次数过多，账号已被锁定，请于 ${dayjs(until).format('YYYY-MM-DD HH:mm:ss')} 后重试`;
  }
  return '连续登录失败次数过多，账号已被锁定，请稍后再试';
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof ApiError ? error.code : undefined;
}
