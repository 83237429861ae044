import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BaseAgent, type IncomingMessage, runAgentMain } from './base-agent.js';
import { adler32 } from './lib/adler32.js';
import { RunDedup } from './lib/run-dedup.js';
import { RunLedger } from './lib/run-ledger.js';
import { errorText, localIsoNow } from './lib/settings.js';
import { reportRunEnd } from './lib/stage-agent.js';
import { sampleTimeFrames } from './lib/tf-sampling.js';
import {
  type TfFileRegistered,
  requireRunNumber,
  type StfReady,
  stfReadySchema,
  stfStem,
  WORKFLOW_TOPIC,
} from '../src/shared/workflow-messages.js';

const num = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return process.env[name] && Number.isFinite(n) && n >= 0 ? n : fallback;
};

/**
 * Fast monitoring agent: the example fastmon agent (type `fastmon`). For each per-STF `stf_ready`
 * with a `filename` it samples `SWF_TF_FILES_PER_STF` (7) TF blocks; when the STF is a local file
 * it really reads those byte ranges (TFs are equal slices of the file) and records their size and
 * Adler-32, otherwise it estimates the size like the original. Each sample is registered over REST
 * (`/api/fastmon-files/`, `stf_file` = the STF filename) and announced as `tf_file_registered`.
 * As in the original, a sample whose registration fails is logged and not announced.
 */
class FastmonAgent extends BaseAgent {
  private readonly files = Math.max(1, num('SWF_TF_FILES_PER_STF', 7));
  private readonly fraction = num('SWF_TF_SIZE_FRACTION', 0.15);
  private readonly defaultTfCount = num('SWF_TF_COUNT_PER_STF', 1000);
  private readonly ledger = new RunLedger(num('SWF_RUN_SETTLE_MS', 15_000));
  private readonly seen = new RunDedup();

  constructor() {
    super('fastmon', [WORKFLOW_TOPIC]);
    if (this.fraction <= 0 || this.fraction > 1)
      throw new Error('SWF_TF_SIZE_FRACTION must be in (0, 1]');
  }

  protected async onMessage(msg: IncomingMessage): Promise<void> {
    if (msg.msgType === 'run_imminent' || msg.msgType === 'start_run') {
      if (msg.data.run_id !== undefined) this.ledger.open(Number(msg.data.run_id));
      return;
    }
    if (msg.msgType === 'end_run') {
      await reportRunEnd(this, this.ledger, msg.data, 'fastmon');
      const ended = Number(msg.data.run_id);
      if (Number.isInteger(ended)) this.seen.release(ended);
      return;
    }
    if (msg.msgType !== 'stf_ready') return;
    const m = stfReadySchema.parse(msg.data);
    const run = requireRunNumber(m.run_id);
    if (!m.filename) {
      this.log.warning(
        `stf_ready for run ${m.run_id} without filename: no STF to sample`,
        this.extraFrom(msg.data),
      );
      return;
    }
    if (!this.seen.add(run, m.filename)) return;
    let ok = true;
    try {
      ok = await this.sample(m);
    } catch (err) {
      ok = false;
      throw err;
    } finally {
      this.ledger.record(run, m.sequence, ok);
    }
  }

  private async sample(m: StfReady): Promise<boolean> {
    const filename = m.filename!;
    const tfCount = m.tf_count ?? this.defaultTfCount;
    const samples = sampleTimeFrames(tfCount, this.files, this.fraction);
    const stem = stfStem(filename);
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    if (m.file_url?.startsWith('file:')) {
      try {
        handle = await open(fileURLToPath(m.file_url), 'r');
      } catch (err) {
        this.log.warning(
          `cannot open ${m.file_url} (${errorText(err)}); estimating TF sizes`,
          this.extraFrom(m),
        );
      }
    }
    const bytesPerTf = m.size_bytes ? m.size_bytes / tfCount : 1;
    let allOk = true;
    try {
      // The samples of one STF are registered and announced concurrently (REST and broker round
      // trips overlap); reads from the one file handle are positional, so they do not interfere.
      const one = async (s: (typeof samples)[number]) => {
        let size = Math.max(1, Math.round(s.tf_count * bytesPerTf));
        let checksum: string | null = null;
        if (handle) {
          const from = Math.floor(s.tf_first * bytesPerTf);
          const to = Math.floor((s.tf_last + 1) * bytesPerTf);
          const buf = Buffer.alloc(Math.max(0, to - from));
          const { bytesRead } = await handle.read(buf, 0, buf.length, from);
          size = bytesRead;
          checksum = `ad:${adler32(buf.subarray(0, bytesRead))}`;
        }
        const tfFilename = `${stem}_tf_${String(s.index).padStart(3, '0')}.tf`;
        let tfFileId: string;
        try {
          const row = await this.apiJson('POST', '/fastmon-files/', {
            stf_file: filename,
            tf_filename: tfFilename,
            tf_first: s.tf_first,
            tf_last: s.tf_last,
            tf_count: s.tf_count,
            file_size_bytes: size,
            checksum,
            status: 'registered',
            metadata: {
              simulation: !handle,
              created_from: filename,
              tf_size_fraction: this.fraction,
              agent_name: this.name,
              state: m.state ?? null,
              substate: m.substate ?? null,
              start: m.start ?? null,
              end: m.end ?? null,
            },
          });
          tfFileId = String(row.tf_file_id);
        } catch (err) {
          allOk = false;
          this.log.error(
            `TF sample ${tfFilename} not registered: ${errorText(err)}`,
            this.extraFrom(m),
          );
          return;
        }
        const registered: TfFileRegistered = {
          msg_type: 'tf_file_registered',
          run_id: requireRunNumber(m.run_id),
          execution_id: m.execution_id ?? null,
          processed_by: this.name,
          tf_file_id: tfFileId,
          tf_filename: tfFilename,
          tf_first: s.tf_first,
          tf_last: s.tf_last,
          tf_count: s.tf_count,
          file_size_bytes: size,
          stf_filename: filename,
          sequence: m.sequence ?? null,
          samples_per_stf: samples.length,
          status: 'registered',
          timestamp: localIsoNow(),
        };
        await this.sendMessage(WORKFLOW_TOPIC, registered);
      };
      await Promise.all(samples.map(one));
    } finally {
      await handle?.close();
    }
    return allOk;
  }
}

runAgentMain(new FastmonAgent());
