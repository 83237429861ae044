import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BaseAgent, type IncomingMessage, runAgentMain } from './base-agent.js';
import { adler32 } from './lib/adler32.js';
import { readStfFile } from './lib/file-io.js';
import { BulkCreator } from './lib/bulk-create.js';
import { RunDedup } from './lib/run-dedup.js';
import { RunLedger } from './lib/run-ledger.js';
import { errorText, localIsoNow } from './lib/settings.js';
import { reportRunEnd, STF_READY_STAGE_KINDS } from './lib/stage-agent.js';
import { sampleTimeFrames } from './lib/tf-sampling.js';
import {
  type TfFileRegistered,
  requireRunNumber,
  type StfReady,
  stfReadySchema,
  stfStem,
  WORKFLOW_TOPIC,
} from '../src/shared/workflow-messages.js';
import { MAX_BULK_ITEMS } from '../src/shared/input-bounds.js';

/** An STF up to this size is read whole once; a larger one range by range. */
const WHOLE_READ_MAX_BYTES = 8 * 1024 * 1024;

const num = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return process.env[name] && Number.isFinite(n) && n >= 0 ? n : fallback;
};

/**
 * Fast monitoring agent: the example fastmon agent (type `fastmon`). For each per-STF `stf_ready`
 * with a `filename` it samples `SWF_TF_FILES_PER_STF` (7) TF blocks; when the STF is a local file
 * it really reads those byte ranges (TFs are equal slices of the file) and records their size and
 * Adler-32, otherwise it estimates the size like the original. The samples are registered over REST
 * (`/api/fastmon-files/`, `stf_file` = the STF filename) and each is announced as
 * `tf_file_registered`.
 * As in the original, a sample whose registration fails is logged and not announced.
 */
class FastmonAgent extends BaseAgent {
  private readonly files = Math.max(1, num('SWF_TF_FILES_PER_STF', 7));
  private readonly fraction = num('SWF_TF_SIZE_FRACTION', 0.15);
  private readonly defaultTfCount = num('SWF_TF_COUNT_PER_STF', 1000);
  protected override readonly handledKinds = STF_READY_STAGE_KINDS;
  private readonly ledger = new RunLedger(num('SWF_RUN_SETTLE_MS', 15_000));
  private readonly seen = new RunDedup();
  /** The samples of concurrent STFs go to the monitor in one request where it takes lists. */
  private readonly samples = new BulkCreator(this.api, '/fastmon-files/', {
    maxItems: MAX_BULK_ITEMS,
    onSingleMode: () =>
      this.log.info('the monitor takes one fastmon file per request; registering one by one'),
  });

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

  /** The sampled byte ranges of a local STF: one whole read for a small file, else one per range. */
  private async readRanges(
    m: StfReady,
    ranges: { from: number; to: number }[],
  ): Promise<Buffer[] | undefined> {
    if (!m.file_url?.startsWith('file:')) return undefined;
    try {
      const path = fileURLToPath(m.file_url);
      if ((m.size_bytes ?? Infinity) <= WHOLE_READ_MAX_BYTES) {
        const all = await readStfFile(path, m.size_bytes);
        return ranges.map((r) => all.subarray(Math.min(r.from, all.length), r.to));
      }
      const handle = await open(path, 'r');
      try {
        // Positional reads from one handle do not interfere, so they can run at once.
        return await Promise.all(
          ranges.map(async (r) => {
            const buf = Buffer.alloc(Math.max(0, r.to - r.from));
            const { bytesRead } = await handle.read(buf, 0, buf.length, r.from);
            return buf.subarray(0, bytesRead);
          }),
        );
      } finally {
        await handle.close();
      }
    } catch (err) {
      this.log.warning(
        `cannot read ${m.file_url} (${errorText(err)}); estimating TF sizes`,
        this.extraFrom(m),
      );
      return undefined;
    }
  }

  private async sample(m: StfReady): Promise<boolean> {
    const filename = m.filename!;
    const tfCount = m.tf_count ?? this.defaultTfCount;
    const samples = sampleTimeFrames(tfCount, this.files, this.fraction);
    const stem = stfStem(filename);
    const bytesPerTf = m.size_bytes ? m.size_bytes / tfCount : 1;
    const data = await this.readRanges(
      m,
      samples.map((s) => ({
        from: Math.floor(s.tf_first * bytesPerTf),
        to: Math.floor((s.tf_last + 1) * bytesPerTf),
      })),
    );
    const tfs = samples.map((s, i) => {
      const bytes = data?.[i];
      return {
        sample: s,
        tfFilename: `${stem}_tf_${String(s.index).padStart(3, '0')}.tf`,
        size: bytes ? bytes.length : Math.max(1, Math.round(s.tf_count * bytesPerTf)),
        checksum: bytes ? `ad:${adler32(bytes)}` : null,
      };
    });
    const bodies = tfs.map((t) => ({
      stf_file: filename,
      tf_filename: t.tfFilename,
      tf_first: t.sample.tf_first,
      tf_last: t.sample.tf_last,
      tf_count: t.sample.tf_count,
      file_size_bytes: t.size,
      checksum: t.checksum,
      status: 'registered',
      metadata: {
        simulation: !data,
        created_from: filename,
        tf_size_fraction: this.fraction,
        agent_name: this.name,
        state: m.state ?? null,
        substate: m.substate ?? null,
        start: m.start ?? null,
        end: m.end ?? null,
      },
    }));
    const ids = await this.register(bodies, m);
    // The registered samples are announced together (one receipt for all); one not registered
    // is not announced, as in the original.
    const timestamp = localIsoNow();
    const announcements: TfFileRegistered[] = [];
    tfs.forEach((t, i) => {
      const tfFileId = ids[i];
      if (tfFileId === undefined) return;
      announcements.push({
        msg_type: 'tf_file_registered',
        run_id: requireRunNumber(m.run_id),
        execution_id: m.execution_id ?? null,
        processed_by: this.name,
        tf_file_id: tfFileId,
        tf_filename: t.tfFilename,
        tf_first: t.sample.tf_first,
        tf_last: t.sample.tf_last,
        tf_count: t.sample.tf_count,
        file_size_bytes: t.size,
        stf_filename: filename,
        sequence: m.sequence ?? null,
        samples_per_stf: samples.length,
        status: 'registered',
        timestamp,
      });
    });
    await this.sendMessages(WORKFLOW_TOPIC, announcements);
    return ids.every((id) => id !== undefined);
  }

  /**
   * Registers the samples: in one list request (shared with other STFs) where the monitor takes
   * lists (this core), else (swf-monitor) one request per sample, as the original does. Returns
   * each sample's row id, or undefined for one that was not registered.
   */
  private async register(
    bodies: Record<string, unknown>[],
    m: StfReady,
  ): Promise<(string | undefined)[]> {
    const results = await this.samples.create(bodies);
    return results.map((r, i) => {
      if (r.ok) return String(r.row.tf_file_id);
      this.log.error(
        `TF sample ${String(bodies[i]!.tf_filename)} not registered: ${errorText(r.error)}`,
        this.extraFrom(m),
      );
      return undefined;
    });
  }
}

runAgentMain(new FastmonAgent());
