import { describe, expect, it } from 'vitest';
import type { NodeConfig } from '../flows.types.js';
import { generateNodeKeyPair } from '../node-signing.js';
import { signNodeConfig, verifyNodeConfig } from './node-config.js';

const platform = generateNodeKeyPair();
const config: NodeConfig = {
  nodeId: 'node-1', nodeCode: 'QZJ0001', issuedAt: '2026-11-21T00:00:00.000Z', platformPublicKey: platform.publicKey,
  tasks: [], subscriptions: [{ id: 's1', code: 'DY000001', resourceCode: 'ZY001', kind: 'table', targetName: 'pg', targetTable: 't', columnMap: { 编号: 'id' }, keyItems: ['编号'] }],
  reconciliations: [{ id: 'r1', taskId: null, subscriptionId: 's1' }],
};

describe('signed node config', () => {
  it('verifies with the platform key, also after a JSON round trip with keys reordered', () => {
    const signed = signNodeConfig(config, platform);
    expect(verifyNodeConfig(signed, platform.publicKey)).toBe(true);
    const copy = JSON.parse(JSON.stringify({ signature: signed.signature, config: { ...signed.config, tasks: [] } }));
    expect(verifyNodeConfig(copy, platform.publicKey)).toBe(true);
  });

  it('a tampered config, another key or a config naming another platform key fails', () => {
    const signed = signNodeConfig(config, platform);
    const tampered = { ...signed, config: { ...signed.config, subscriptions: [{ ...signed.config.subscriptions[0]!, targetTable: 'evil' }] } };
    expect(verifyNodeConfig(tampered, platform.publicKey)).toBe(false);
    const attacker = generateNodeKeyPair();
    expect(verifyNodeConfig(signed, attacker.publicKey)).toBe(false);
    const forged = signNodeConfig({ ...config, platformPublicKey: attacker.publicKey }, attacker);
    expect(verifyNodeConfig(forged, platform.publicKey)).toBe(false);
    expect(verifyNodeConfig({ ...signed, signature: '00'.repeat(64) }, platform.publicKey)).toBe(false);
  });
});
