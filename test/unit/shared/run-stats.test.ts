import { describe, expect, it } from 'vitest';
import { STF_WORKFLOW, workflowColumns } from '../../../src/shared/run-stats.js';

describe('workflowColumns', () => {
  it('puts processing and fastmon side by side after data, as the messages flow', () => {
    expect(workflowColumns().map((col) => col.map((d) => d.label))).toEqual([
      ['DAQ'],
      ['Data'],
      ['Processing', 'Fastmon'],
    ]);
  });

  it('follows the table, not a fixed chain', () => {
    const chain = STF_WORKFLOW.map((d, i) => ({
      ...d,
      consumes: i === 0 ? null : STF_WORKFLOW[i - 1]!.stage,
    }));
    expect(workflowColumns(chain)).toHaveLength(4);
  });
});
