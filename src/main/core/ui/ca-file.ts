import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A CA bundle is a few certificates; anything far larger is not one. */
const MAX_CA_BYTES = 1024 * 1024;

/**
 * Why `path` cannot serve as the external broker's CA file, or undefined when it is a readable
 * regular file holding at least one PEM certificate. Only the first megabyte is read.
 */
export function caFileProblem(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return `cannot read the CA file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return `the CA file ${path} is not a regular file`;
    if (st.size > MAX_CA_BYTES) return `the CA file ${path} is larger than ${MAX_CA_BYTES} bytes`;
    const buf = Buffer.alloc(Math.min(st.size, MAX_CA_BYTES));
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('latin1');
    if (
      !/-----BEGIN (TRUSTED )?CERTIFICATE-----[\s\S]+?-----END (TRUSTED )?CERTIFICATE-----/.test(
        text,
      )
    )
      return `the CA file ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
    return undefined;
  } catch (err) {
    return `cannot read the CA file ${path}: ${(err as Error).message}`;
  } finally {
    closeSync(fd);
  }
}
