import argon2 from 'argon2';

/** 等保 2.0: at least 8 characters from at least 3 of the 4 classes. */
export function passwordPolicyProblem(password: string, username?: string): string | null {
  if (password.length < 8) return 'The password must be at least 8 characters long (密码至少 8 位).';
  if (password.length > 128) return 'The password may be at most 128 characters long.';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    return 'The password must contain at least 3 of: upper-case letters, lower-case letters, digits, special characters (至少包含大写字母、小写字母、数字、特殊字符中的 3 类).';
  }
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    return 'The password must not contain the username (密码不得包含用户名).';
  }
  return null;
}

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes): about 30 ms here.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check, so an unknown username is not revealed by timing. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-Password-1');
  await verifyPassword(await dummyHash, password);
}
