import { BaseAgent, type IncomingMessage, runAgentMain } from './base-agent.js';
import { adlerTag } from './lib/adler32.js';
import { agentDataDir, fileInsideFolder } from './lib/data-folder.js';
import { readStfFile } from './lib/file-io.js';
import { RunDedup } from './lib/run-dedup.js';
import { RunLedger } from './lib/run-ledger.js';
import { errorText } from './lib/settings.js';
import { reportRunEnd, STF_READY_STAGE_KINDS } from './lib/stage-agent.js';
import {
  type ProcessingComplete,
  requireRunNumber,
  runNumberOf,
  stfReadySchema,
  stfStem,
  WORKFLOW_TOPIC,
} from '../src/shared/workflow-messages.js';

/** Where the testbed's example processing agent listens; no original agent publishes there. */
const PROCESSING_QUEUE = '/queue/processing_agent';

const num = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return process.env[name] && Number.isFinite(n) && n >= 0 ? n : fallback;
};

/**
 * Processing agent: the example processing agent (type `STF_Processing`).
 * On each per-STF `stf_ready` it "processes" the STF for `SWF_PROCESSING_MS` (default 500, the
 * original's sleep) — and does one real thing: when the STF is a local file it reads it and
 * verifies the Adler-32 the data agent announced — then publishes `processing_complete`. It reads
 * only files inside its data folder (`SWF_DATA_DIR`, the data agent's); any other `file:` URL
 * fails the STF unread.
 *
 * Choices: the original subscribes to `/queue/processing_agent` while the original data agent
 * publishes `stf_ready` on `/topic/epictopic`; this one takes both, and an STF that arrives both
 * ways is processed once (by filename). It publishes `processing_complete` on the topic (the
 * original sends it to `/queue/monitoring_agent`), so the recorder sees the stage. A run-level
 * `stf_ready` without `filename` (the Rucio data agent's meaning) is logged and skipped.
 */
class ProcessingAgent extends BaseAgent {
  private readonly processingMs = num('SWF_PROCESSING_MS', 500);
  private readonly dataDir = agentDataDir();
  protected override readonly handledKinds = STF_READY_STAGE_KINDS;
  private readonly ledger = new RunLedger(num('SWF_RUN_SETTLE_MS', 15_000));
  private readonly seen = new RunDedup();

  constructor() {
    super('STF_Processing', [WORKFLOW_TOPIC, PROCESSING_QUEUE]);
  }

  protected async onMessage(msg: IncomingMessage): Promise<void> {
    if (msg.msgType === 'run_imminent' || msg.msgType === 'start_run') {
      if (msg.data.run_id !== undefined) this.ledger.open(Number(msg.data.run_id));
      return;
    }
    if (msg.msgType === 'end_run') {
      await reportRunEnd(this, this.ledger, msg.data, 'processing');
      const ended = runNumberOf(msg.data.run_id);
      if (ended !== null) this.seen.release(ended);
      return;
    }
    if (msg.msgType !== 'stf_ready') return;
    const m = stfReadySchema.parse(msg.data);
    const run = requireRunNumber(m.run_id);
    if (!m.filename) {
      this.log.info(
        `run-level stf_ready for run ${m.run_id} (no filename): nothing to process per STF`,
        this.extraFrom(msg.data),
      );
      return;
    }
    if (!this.seen.add(run, m.filename)) return;
    const started = Date.now();
    let status = 'ok';
    let note: string | undefined;
    try {
      if (m.file_url?.startsWith('file:')) {
        const bytes = await readStfFile(fileInsideFolder(m.file_url, this.dataDir), m.size_bytes);
        const sum = adlerTag(bytes);
        if (m.checksum && sum !== m.checksum) {
          status = 'failed';
          note = `checksum mismatch: file ${sum}, announced ${m.checksum}`;
        }
      }
    } catch (err) {
      status = 'failed';
      note = `cannot read ${m.file_url}: ${errorText(err)}`;
    }
    const left = this.processingMs - (Date.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left)); // the simulated processing time
    const stem = stfStem(m.filename);
    try {
      const done: ProcessingComplete = {
        msg_type: 'processing_complete',
        filename: m.filename,
        run_id: run,
        execution_id: m.execution_id ?? null,
        input_file_url: m.file_url ?? null,
        input_checksum: m.checksum ?? null,
        input_size_bytes: m.size_bytes ?? null,
        output_files: [`${stem}.dst`, `${stem}.hist.root`],
        processing_time_ms: Date.now() - started,
        simulation_tick: m.simulation_tick ?? null,
        sequence: m.sequence ?? null,
        status,
        ...(note ? { error: note } : {}),
        processed_by: this.name,
      };
      await this.sendMessage(WORKFLOW_TOPIC, done);
    } catch (err) {
      this.ledger.record(run, m.sequence, false);
      throw err;
    }
    this.ledger.record(run, m.sequence, status === 'ok');
    if (note) this.log.error(`processing ${m.filename} failed: ${note}`, this.extraFrom(msg.data));
  }
}

runAgentMain(new ProcessingAgent());
