import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets at rest (app secrets, upstream credentials): SM4-CBC encryption then HMAC-SM3 over IV and
 * ciphertext (encrypt-then-MAC), with separate keys derived from the 16-byte master key.
 * Node's OpenSSL has SM4 but no SM4-GCM, hence the explicit MAC. Format: `v1.<base64url(iv|ct|mac)>`.
 */
export interface SealedBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export const MASTER_KEY_BYTES = 16;

function derive(master: Buffer, label: string): Buffer {
  return createHmac('sm3', master).update(label).digest().subarray(0, 16);
}

export function sealedBox(masterKey: Buffer): SealedBox {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new Error(`the master key must be ${MASTER_KEY_BYTES} bytes`);
  const encKey = derive(masterKey, 'govshare sealed-box enc');
  const macKey = derive(masterKey, 'govshare sealed-box mac');
  const mac = (data: Buffer) => createHmac('sm3', macKey).update(data).digest();
  return {
    seal(plaintext) {
      const iv = randomBytes(16);
      const cipher = createCipheriv('sm4-cbc', encKey, iv);
      const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([body, mac(body)]).toString('base64url')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1.')) throw new Error('unknown sealed-box format');
      const raw = Buffer.from(sealed.slice(3), 'base64url');
      if (raw.length < 16 + 16 + 32) throw new Error('sealed value too short');
      const body = raw.subarray(0, raw.length - 32);
      const tag = raw.subarray(raw.length - 32);
      if (!timingSafeEqual(tag, mac(body))) throw new Error('sealed value failed its integrity check (wrong master key or tampered)');
      const decipher = createDecipheriv('sm4-cbc', encKey, body.subarray(0, 16));
      return Buffer.concat([decipher.update(body.subarray(16)), decipher.final()]).toString('utf8');
    },
  };
}
