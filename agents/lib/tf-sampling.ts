export interface TfSample {
  index: number;
  tf_first: number;
  tf_last: number;
  tf_count: number;
}

/** Box-Muller standard normal. */
function gauss(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/**
 * The example fastmon sampling: the STF's TFs are split into `files` equal
 * partitions; in each a contiguous block of about `fraction` of the partition (Gaussian noise,
 * sigma 10 %) is taken at a random offset.
 */
export function sampleTimeFrames(tfCount: number, files: number, fraction: number): TfSample[] {
  const part = Math.max(1, Math.floor(tfCount / files));
  const out: TfSample[] = [];
  for (let i = 0; i < files && i * part < tfCount; i++) {
    const size = Math.min(part, Math.max(1, Math.round(part * fraction * (1 + 0.1 * gauss()))));
    const offset = Math.floor(Math.random() * (part - size + 1));
    const first = i * part + offset;
    out.push({ index: i + 1, tf_first: first, tf_last: first + size - 1, tf_count: size });
  }
  return out;
}
