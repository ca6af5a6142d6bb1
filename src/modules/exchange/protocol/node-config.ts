/**
 * The configuration a node fetches from the platform (its tasks and subscriptions), signed with the platform's
 * SM2 key over its canonical JSON. The node caches the signed copy in its data directory and keeps working
 * from it while the platform is unreachable (it checks the signature again when it loads the cache).
 */
import type { NodeConfig, SignedNodeConfig } from '../flows.types.js';
import { canonicalJson, signWithNodeKey, verifyNodeSignature, type NodeKeyPair } from '../node-signing.js';

export function signNodeConfig(config: NodeConfig, platformKey: NodeKeyPair): SignedNodeConfig {
  return { config, signature: signWithNodeKey(canonicalJson(config), platformKey) };
}

/** True when `signed.signature` is the platform's signature over the config (and the config names that key). */
export function verifyNodeConfig(signed: SignedNodeConfig, platformPublicKey: string): boolean {
  if (signed.config.platformPublicKey !== platformPublicKey) return false;
  return verifyNodeSignature(canonicalJson(signed.config), signed.signature, platformPublicKey);
}
