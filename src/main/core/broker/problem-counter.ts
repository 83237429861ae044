import type { Logger } from '../logger.js';

/**
 * Why the recorder could not fully use a message. A message with a problem never stops the
 * recorder; `flagged` reasons still store the message (as the monitor does with anything that has
 * a `msg_type`), `dropped` ones do not.
 */
const RECORDER_PROBLEMS = {
  invalid_json: 'dropped: the body is not JSON',
  not_an_object: 'dropped: the body is JSON but not an object',
  no_msg_type: 'dropped: no msg_type and not a heartbeat (agent_name + status)',
  invalid_msg_type: 'dropped: msg_type is not a non-empty string',
  invalid_heartbeat: 'dropped: a heartbeat without the fields it needs',
  invalid_fields: 'flagged: stored, but fields its msg_type needs are missing or mistyped',
  run_id_not_numeric: 'flagged: stored, but run_id is not a run number (no run/STF progress)',
  store_failed: 'dropped: SQLite refused the batch three times',
  after_stop: 'dropped: arrived after the recorder stopped',
} as const;
export type RecorderProblem = keyof typeof RECORDER_PROBLEMS;

/**
 * Counts problems per reason and logs them without flooding: the first of each reason at once,
 * then at most one line per reason per `everyMs` with the number suppressed in between (a
 * misbehaving agent can send thousands of bad bodies a second).
 */
export function createProblemCounter(log: Logger, everyMs = 10_000, clock = () => Date.now()) {
  const counts: Partial<Record<RecorderProblem, number>> = {};
  const last = new Map<RecorderProblem, { at: number; suppressed: number }>();
  return {
    add(reason: RecorderProblem, detail: string): void {
      counts[reason] = (counts[reason] ?? 0) + 1;
      const now = clock();
      const prev = last.get(reason);
      if (prev && now - prev.at < everyMs) {
        prev.suppressed++;
        return;
      }
      const more = prev?.suppressed
        ? ` (+${prev.suppressed} more since the last report of this reason)`
        : '';
      log.warn(`message ${RECORDER_PROBLEMS[reason]} [${reason}]: ${detail}${more}`);
      last.set(reason, { at: now, suppressed: 0 });
    },
    counts(): Partial<Record<RecorderProblem, number>> {
      return { ...counts };
    },
  };
}
