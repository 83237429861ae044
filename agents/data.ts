import { createCipheriv, createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BaseAgent, type IncomingMessage, runAgentMain } from './base-agent.js';
import type { LogExtra } from './lib/rest-logger.js';
import { adlerTag } from './lib/adler32.js';
import { BoundedRunMap } from './lib/bounded-run-map.js';
import { BulkCreator } from './lib/bulk-create.js';
import { agentDataDir } from './lib/data-folder.js';
import { writeStfFile } from './lib/file-io.js';
import { ApiError } from './lib/rest-client.js';
import { RunDedup } from './lib/run-dedup.js';
import { RunLedger } from './lib/run-ledger.js';
import { errorText } from './lib/settings.js';
import { reportRunEnd } from './lib/stage-agent.js';
import {
  requireRunNumber,
  runImminentSchema,
  stfGenSchema,
  type StfGen,
  type StfReady,
  WORKFLOW_TOPIC,
} from '../src/shared/workflow-messages.js';
import { MAX_BULK_ITEMS } from '../src/shared/input-bounds.js';

const num = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return process.env[name] && Number.isFinite(n) && n >= 0 ? n : fallback;
};

/**
 * Data agent: the testbed's example data agent (type `DATA`) with the
 * file it only mentions in TODOs made real. On `stf_gen` it writes the STF file under
 * `SWF_DATA_DIR/run_<run>/` (size from the message's `size_bytes`/`size`, else
 * `SWF_STF_SIZE_BYTES`), computes its Adler-32 (`ad:<decimal>`, the standalone simulator's form),
 * registers it over REST (`/api/stf-files/`, status `processed`: see `onStfGen`), and publishes a
 * per-STF `stf_ready` with `filename` (the per-STF meaning) to `/topic/epictopic`. Runs are
 * looked up or created by `run_number` (the recorder may have made the row already). Duplicate
 * `stf_gen` (a re-sent message) is ignored by filename.
 */
class DataAgent extends BaseAgent {
  private readonly dataDir = agentDataDir();
  private readonly defaultSize = num('SWF_STF_SIZE_BYTES', 16 * 1024);
  private readonly tfCount = num('SWF_TF_COUNT_PER_STF', 1000);
  private readonly ledger = new RunLedger(num('SWF_RUN_SETTLE_MS', 15_000));
  protected override readonly handledKinds = [
    'run_imminent',
    'start_run',
    'stf_gen',
    'end_run',
  ] as const;
  /**
   * run_number -> monitor run PK (promise, so concurrent STFs share one look-up). Dropped at
   * end_run; a run evicted early (its end_run lost) is simply looked up again if it goes on.
   */
  private readonly runPks = new BoundedRunMap<Promise<number>>();
  private readonly seen = new RunDedup();
  /** STF rows of concurrent STFs go to the monitor in one request where it takes lists. */
  private readonly stfRows = new BulkCreator(this.api, '/stf-files/', {
    maxItems: MAX_BULK_ITEMS,
    onSingleMode: () =>
      this.log.info('the monitor takes one STF file per request; registering one by one'),
  });

  constructor() {
    super('DATA', [WORKFLOW_TOPIC]);
    mkdirSync(this.dataDir, { recursive: true });
  }

  protected async onMessage(msg: IncomingMessage): Promise<void> {
    switch (msg.msgType) {
      case 'run_imminent': {
        const m = runImminentSchema.parse(msg.data);
        const run = requireRunNumber(m.run_id);
        this.ledger.open(run);
        await this.runPk(run, m.run_conditions ?? { state: m.state, substate: m.substate });
        this.log.info(
          `run ${run} imminent; data folder ${join(this.dataDir, `run_${run}`)}`,
          this.extraFrom(msg.data),
        );
        return;
      }
      case 'start_run':
        this.log.info(`run ${String(msg.data.run_id)} started`, this.extraFrom(msg.data));
        return;
      case 'stf_gen':
        return this.onStfGen(stfGenSchema.parse(msg.data), msg);
      case 'end_run':
        await reportRunEnd(this, this.ledger, msg.data, 'data');
        await this.closeRun(Number(msg.data.run_id));
        return;
      default:
        return; // pause/resume and other stages' messages: nothing to do
    }
  }

  private runPk(runNumber: number, conditions?: unknown): Promise<number> {
    let p = this.runPks.get(runNumber);
    if (!p) {
      p = this.lookupOrCreateRun(runNumber, conditions);
      this.runPks.set(runNumber, p);
      const made = p;
      // A failed look-up is not cached; a later one for the same run is left alone.
      made.catch(() => {
        if (this.runPks.get(runNumber) === made) this.runPks.delete(runNumber);
      });
    }
    return p;
  }

  private async findRun(runNumber: number): Promise<number | undefined> {
    const reply = await this.api.request('GET', `/runs/?run_number=${runNumber}`, undefined, {
      retry404: false,
    });
    const row = Array.isArray(reply.body)
      ? (reply.body[0] as { run_id?: number } | undefined)
      : undefined;
    return row?.run_id;
  }

  private async lookupOrCreateRun(runNumber: number, conditions?: unknown): Promise<number> {
    const existing = await this.findRun(runNumber);
    if (existing !== undefined) return existing;
    try {
      const row = await this.apiJson('POST', '/runs/', {
        run_number: runNumber,
        start_time: new Date().toISOString(),
        run_conditions: conditions ?? null,
      });
      return row.run_id as number;
    } catch (err) {
      // Created meanwhile by someone else (the recorder): use theirs.
      const again = await this.findRun(runNumber);
      if (again !== undefined) return again;
      throw err;
    }
  }

  private stfBytes(m: StfGen, size: number): Buffer {
    // Deterministic content (same STF -> same bytes -> same checksum): an AES-CTR keystream keyed
    // by the file name, which costs microseconds where hashing block by block cost a millisecond.
    const key = createHash('sha256').update(m.filename).digest();
    return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
  }

  private async onStfGen(m: StfGen, msg: IncomingMessage): Promise<void> {
    const run = requireRunNumber(m.run_id);
    const extra = this.extraFrom(msg.data, { stf_filename: m.filename });
    if (!this.seen.add(run, m.filename)) {
      this.log.debug(`duplicate stf_gen for ${m.filename} ignored`, extra);
      return;
    }
    try {
      const size = m.size_bytes ?? m.size ?? this.defaultSize;
      const tfCount = m.tf_count ?? this.tfCount;
      const path = join(this.dataDir, `run_${run}`, m.filename);
      const bytes = this.stfBytes(m, size);
      const checksum = adlerTag(bytes);
      const fileUrl = pathToFileURL(path).href;
      const [runPk] = await Promise.all([this.runPk(run), writeStfFile(path, bytes)]);
      // The row is stored `processed` at once: in the monitor's own terms the file is then
      // pre-treated and ready to dispatch (written, checksum known). The original stores
      // `registered` and patches `processed` after the announcement: a second request per STF that
      // said nothing the announcement does not; here the row is patched only when the
      // announcement fails, to `failed` with the reason.
      const fileId = await this.registerStf({
        run: runPk,
        run_number: run,
        stf_filename: m.filename,
        file_size_bytes: size,
        checksum,
        machine_state: m.state ?? 'unknown',
        daq_state: m.state ?? null,
        daq_substate: m.substate ?? null,
        workflow_id: m.execution_id ?? null,
        tf_count: tfCount,
        status: 'processed',
        metadata: {
          created_by: this.name,
          processed_by: this.name,
          substate: m.substate ?? null,
          start: m.start ?? null,
          end: m.end ?? null,
          sequence: m.sequence ?? null,
          file_url: fileUrl,
        },
      });
      const ready: StfReady = {
        msg_type: 'stf_ready',
        filename: m.filename,
        run_id: run,
        execution_id: m.execution_id ?? null,
        file_url: fileUrl,
        checksum,
        size_bytes: size,
        start: m.start ?? null,
        end: m.end ?? null,
        state: m.state ?? null,
        substate: m.substate ?? null,
        sequence: m.sequence ?? null,
        simulation_tick: m.simulation_tick ?? null,
        tf_count: tfCount,
        processed_by: this.name,
      };
      try {
        await this.sendMessage(WORKFLOW_TOPIC, ready);
      } catch (err) {
        await this.markFailed(fileId, `stf_ready not sent: ${errorText(err)}`, extra);
        throw err;
      }
      this.ledger.record(run, m.sequence, true);
      this.log.debug(
        `STF ${m.filename} written (${size} B, ${checksum}), registered, stf_ready sent`,
        extra,
      );
    } catch (err) {
      this.ledger.record(run, m.sequence, false);
      this.seen.forget(run, m.filename);
      throw new Error(`STF ${m.filename}: ${errorText(err)}`, { cause: err });
    }
  }

  /** Best effort: the row says the STF failed and why; a monitor out of reach is only logged. */
  private async markFailed(fileId: string, reason: string, extra: LogExtra): Promise<void> {
    try {
      await this.apiJson('PATCH', `/stf-files/${fileId}/`, {
        status: 'failed',
        metadata: { processed_by: this.name, error: reason, updated_at: new Date().toISOString() },
      });
    } catch (err) {
      this.log.warning(`STF row ${fileId} not marked failed: ${errorText(err)}`, extra);
    }
  }

  /** Creates the STF row; if it exists already (re-sent message, or made by the recorder) PATCH it. */
  private async registerStf(body: Record<string, unknown>): Promise<string> {
    const created = (await this.stfRows.create([body]))[0]!;
    if (created.ok) return created.row.file_id as string;
    const err = created.error;
    if (
      !(err instanceof ApiError) ||
      err.status !== 400 ||
      !/already exists/.test(JSON.stringify(err.body))
    )
      throw err;
    const list = (
      await this.api.request(
        'GET',
        `/stf-files/?stf_filename=${encodeURIComponent(String(body.stf_filename))}`,
        undefined,
        { retry404: false },
      )
    ).body as { file_id: string }[];
    const id = list[0]?.file_id;
    if (!id) throw err;
    await this.apiJson('PATCH', `/stf-files/${id}/`, body);
    return id;
  }

  private async closeRun(runNumber: number): Promise<void> {
    this.seen.release(runNumber);
    const pk = this.runPks.get(runNumber);
    if (!pk) return;
    try {
      await this.apiJson('PATCH', `/runs/${await pk}/`, { end_time: new Date().toISOString() });
    } catch (err) {
      this.log.warning(`run ${runNumber}: end time not recorded: ${errorText(err)}`);
    }
    this.runPks.delete(runNumber);
  }
}

runAgentMain(new DataAgent());
