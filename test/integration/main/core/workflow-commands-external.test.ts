import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowControlResultSchema } from '../../../../src/shared/workflow-control-result.js';
import { startActiveMq, type ActiveMq } from '../../../helpers/activemq.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { connect } from '../../../helpers/mcp-client.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { waitFor } from '../../../helpers/wait-for.js';

/**
 * On an external broker the core reads the DAQ simulator's answers through its subscription to
 * the reply topics (ActiveMQ 5.17, the real daqsim agent supervised by the core).
 */
describe('workflow commands on an external ActiveMQ', { timeout: 120_000 }, () => {
  let amq: ActiveMq;
  let t: TestCore;
  const fleetDir = tempDir();

  beforeAll(async () => {
    amq = await startActiveMq({ startTimeoutMs: 90_000 });
    const fleetFile = join(fleetDir.path, 'fleet.toml');
    writeFileSync(fleetFile, '[programs.daqsim]\nagent = "daqsim"\nautostart = true\n');
    t = await startTestCore({
      fleetFile,
      workflowReplyTimeoutSeconds: 20,
      broker: { port: 0, mode: 'external', url: amq.url, login: 'admin', passcode: 'admin' },
    });
    await waitFor(
      'the DAQ simulator READY',
      () =>
        t.core.store.agents
          .list({})
          .items.some((a) => a.agent_type === 'DAQ_Simulator' && a.operational_state === 'READY'),
      90_000,
    );
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await amq?.stop();
    fleetDir.remove();
  }, 60_000);

  it("answers a start with the simulator's reply, and a stop with nothing running says so", async () => {
    const mcp = await connect(t, 'ws', 'modern');
    try {
      const started = await mcp.callTool({
        name: 'swf_start_workflow',
        arguments: { stf_count: 2, physics_period_count: 1, realtime: false },
      });
      expect(started.isError).toBeFalsy();
      const r = workflowControlResultSchema.parse(started.structuredContent);
      expect(r).toMatchObject({ accepted: true, reason: null });
      expect(r.execution_id).toMatch(/^stf_datataking-/);
      // The simulator's answer reaches the core through the reply topic subscription (the run's
      // own messages may answer first: both carry the same ids).
      const reply = await waitFor(
        'the reply on the reply topic',
        () =>
          t.core.store.workflowMessages.query({ messageType: 'workflow_control_reply' }).items[0],
      );
      expect(reply).toMatchObject({
        queue_name: expect.stringMatching(/^\/topic\/swf_control_center\.replies\./),
        message_content: { accepted: true, execution_id: r.execution_id, run_id: r.run_number },
      });
      await waitFor(
        'the run to complete',
        () => t.core.store.workflowExecutions.get(r.execution_id!)?.status === 'completed',
        60_000,
      );
      await waitFor('the simulator idle', () =>
        t.core.supervisor.tail('daqsim', 200).some((l) => l.line.includes('Workflow completed')),
      );
      const idle = await mcp.callTool({ name: 'swf_stop_workflow', arguments: {} });
      expect(idle.isError).toBe(true);
      expect((idle.content as { text: string }[])[0]!.text).toMatch(/nothing is running/);
    } finally {
      await mcp.close();
    }
  });
});
