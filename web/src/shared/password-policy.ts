export const PASSWORD_POLICY_TEXT = '至少 8 位，包含大写字母、小写字母、数字、特殊字符中的至少 3 类';

/** Client-side copy of the server's policy, for early feedback only; the server decides. */
export function passwordPolicyError(password: string): string | null {
  if (password.length < 8) return '密码至少 8 位';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return '密码需包含大写字母、小写字母、数字、特殊字符中的至少 3 类';
  return null;
}
