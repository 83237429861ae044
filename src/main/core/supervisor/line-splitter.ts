import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a byte stream into lines. Invalid UTF-8 becomes U+FFFD; a line longer than `maxLineChars`
 * is cut there and marked, and the rest of it (up to its newline) is dropped and counted, so one
 * runaway writer cannot exhaust memory; a partial last line is handed out by `end()`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private dropping = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars = 16 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.feed(this.decoder.write(chunk));
  }

  /** Flushes what is left (the process has exited or closed the stream). */
  end(): void {
    this.feed(this.decoder.end());
    if (this.dropping) this.finishDropped();
    else if (this.partial) this.onLine(stripCr(this.partial));
    this.partial = '';
  }

  private feed(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const piece = nl === -1 ? text.slice(start) : text.slice(start, nl);
      if (this.dropping) {
        this.dropping += piece.length;
      } else {
        this.partial += piece;
        if (this.partial.length > this.maxLineChars) {
          this.dropping = this.partial.length - this.maxLineChars;
          this.partial = this.partial.slice(0, this.maxLineChars);
        }
      }
      if (nl === -1) return;
      if (this.dropping) this.finishDropped();
      else this.onLine(stripCr(this.partial));
      this.partial = '';
      start = nl + 1;
    }
  }

  private finishDropped(): void {
    this.onLine(`${this.partial} [... line truncated: ${this.dropping} more characters]`);
    this.partial = '';
    this.dropping = 0;
  }
}

const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);
