/**
 * Test helpers for the exchange config plane (and the mailbox gateway's tests): enrol and approve a node through
 * the API with a fresh SM2 key, send signed node calls, and fetch its signed config.
 */
import type { TestApp } from '../../../../test/helpers/test-app.js';
import type { NodeEndpoint, SignedNodeConfig } from '../flows.types.js';
import { generateNodeKeyPair, signEnrolment, signNodeRequest, type NodeKeyPair } from '../node-signing.js';
import { NODE_API } from '../protocol/node-api.js';

export interface TestNode { nodeId: string; key: NodeKeyPair; code: string }

async function ok(res: { statusCode: number; body: string; json(): any }, what: string, status = 200): Promise<any> {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Token by `deptAdmin`, enrolment with a new key, approval by `platform`; optionally a first heartbeat reporting `endpoints`. */
export async function anApprovedNode(t: TestApp, tokens: { deptAdmin: string; platform: string }, endpoints?: NodeEndpoint[], name = '测试前置机'): Promise<TestNode> {
  const { token } = await ok(await t.call(tokens.deptAdmin, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: name, zone: '政务外网' }), 'token', 201);
  const key = generateNodeKeyPair();
  const body = signEnrolment({ token, publicKey: key.publicKey, name, version: '0.1.0', address: '127.0.0.1', contact: '测试 0756-0000000' }, key);
  const { nodeId } = await ok(await t.app.inject({ method: 'POST', url: '/api/v1/exchange/enrol', payload: body }), 'enrol', 201);
  const { code } = await ok(await t.call(tokens.platform, 'POST', `/api/v1/exchange/nodes/${nodeId}/approve`), 'approve');
  const node = { nodeId, key, code };
  if (endpoints) await ok(await signedCall(t, node, 'POST', NODE_API.heartbeat, { version: '0.1.0', status: 'ok', backlog: 0, endpoints }), 'heartbeat');
  return node;
}

/** A node call signed with the node's key (JSON body). */
export async function signedCall(t: TestApp, node: { nodeId: string; key: NodeKeyPair }, method: 'GET' | 'POST', url: string, body?: unknown) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const headers = signNodeRequest(node.nodeId, node.key, { method, path: url.split('?')[0]!, body: payload });
  return t.app.inject({ method, url, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload }) });
}

export async function fetchConfig(t: TestApp, node: { nodeId: string; key: NodeKeyPair }): Promise<SignedNodeConfig> {
  return ok(await signedCall(t, node, 'GET', NODE_API.config), 'node config');
}
