import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import type { TestCore } from './core.js';
import { connectClient } from './stomp-clients.js';

/** Calls one tool and returns its structured result; fails the test on a tool error. */
export async function callOk<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const res = await client.callTool({ name, arguments: args });
  if (res.isError) throw new Error(`${name} failed: ${JSON.stringify(res.content)}`);
  expect(res.structuredContent).toBeDefined();
  return res.structuredContent as T;
}

/** Calls one tool that must fail and returns its error text. */
export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  const res = await client.callTool({ name, arguments: args });
  expect(res.isError).toBe(true);
  return (res.content as { text: string }[])[0]!.text;
}

/** POSTs JSON to the core's REST API and returns the answer body; fails on a non-2xx status. */
export async function postJson(
  t: TestCore,
  path: string,
  json: unknown,
  method = 'POST',
): Promise<Record<string, unknown>> {
  const res = await t.api(path, { method, json });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export const heartbeat = (t: TestCore, body: Record<string, unknown>) =>
  postJson(t, '/api/systemagents/heartbeat/', { namespace: 'test-ns', status: 'OK', ...body });

/** Publishes workflow messages on the core's embedded broker, as an agent does. */
export async function publish(t: TestCore, destination: string, bodies: unknown[]) {
  const { login, passcode } = t.core.brokerCredentials;
  const client = await connectClient('stompit', { port: t.core.broker!.port, login, passcode });
  try {
    for (const b of bodies) await client.send(destination, JSON.stringify(b));
  } finally {
    await client.disconnect();
  }
}
