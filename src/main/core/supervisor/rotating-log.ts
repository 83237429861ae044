import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only log file rotated by size, as supervisord does: `x.log` -> `x.log.1` -> ... ->
 * `x.log.<backups>`, the oldest dropped. Writes are synchronous and batched by the caller, so a
 * flush is one write call and the file is never half-rotated when the core is killed.
 */
export class RotatingLog {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly backups: number,
  ) {}

  write(text: string): void {
    if (!text) return;
    const data = Buffer.from(text, 'utf8');
    if (this.fd === undefined) this.open();
    if (this.maxBytes > 0 && this.size > 0 && this.size + data.length > this.maxBytes)
      this.rotate();
    writeSync(this.fd!, data);
    this.size += data.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.path, 'a', 0o600);
    try {
      this.size = statSync(this.path).size;
    } catch {
      this.size = 0;
    }
  }

  private rotate(): void {
    this.close();
    if (this.backups === 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(`${this.path}.${this.backups}`, { force: true });
      for (let i = this.backups - 1; i >= 1; i--) {
        try {
          renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        } catch {
          // That backup does not exist yet.
        }
      }
      renameSync(this.path, `${this.path}.1`);
    }
    this.open();
  }
}
