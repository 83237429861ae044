import type { TransformOptions } from 'node:stream';
import { IncomingFrameStream } from 'stompit';

/** A complete incoming frame: what the broker acts on. */
export interface WholeFrame {
  command: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Emitted instead of a frame whose body exceeds the limit (the connection then closes). */
export interface OversizedFrame {
  oversized: string;
}

/** The parts of stompit 1.0.0's IncomingFrameStream this subclass hooks into. */
interface ParserInternals {
  _command: string;
  _headers: Record<string, string | number>;
  _contentLengthRemaining: number;
  _parse: () => void;
  _frame: BodySink | null;
  _chunk: Buffer;
  _consume(n: number): void;
  push(chunk: unknown): boolean;
}

interface BodySink {
  push(chunk: Buffer | null): boolean;
  _resume?: () => void;
}

const proto = IncomingFrameStream.prototype as unknown as {
  _beginBody(this: ParserInternals): void;
  _parseFixedLengthBody(this: ParserInternals): void;
  _parseBody(this: ParserInternals): void;
};

/**
 * stompit's IncomingFrameStream (its command/header parsing, escaping rules per version, line
 * and header-count limits, content-length and NUL-terminated bodies, heart-beat EOLs), with one
 * change: instead of handing out each frame as its own Readable body stream, which costs several
 * event-loop turns and allocations per frame, it collects the body and emits the complete frame
 * as one object. The broker reads frames in a synchronous loop; it never needs a streamed body,
 * because bodies are bounded by `maxBodyBytes`.
 *
 * It relies on stompit 1.0.0's internal method names; package.json pins that exact version and
 * the broker's conformance suite exercises every path (bodies with and without content-length,
 * NUL bytes, limits, malformed frames).
 */
export class WholeFrameStream extends IncomingFrameStream {
  constructor(
    options: { maxLineLength: number; maxHeaders: number },
    private readonly maxBodyBytes: number,
  ) {
    // stompit reads maxLineLength and maxHeaders (its typings only list the stream options).
    super(options as TransformOptions);
  }

  /** Replaces stompit's `_beginBody` (called when the blank line after the headers is parsed). */
  _beginBody(): void {
    const self = this as unknown as ParserInternals;
    const declaredRaw = self._headers['content-length'];
    const declared =
      declaredRaw === undefined ? undefined : Number.parseInt(String(declaredRaw), 10);
    // An invalid content-length: let stompit raise its own parse error.
    if (declared !== undefined && Number.isNaN(declared)) return proto._beginBody.call(self);

    const command = self._command;
    const headers = self._headers as Record<string, string>;
    const limit = this.maxBodyBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (reason: string) => {
      failed = true;
      chunks.length = 0;
      self.push({ oversized: reason } satisfies OversizedFrame);
    };
    self._frame = {
      push(chunk: Buffer | null): boolean {
        if (failed) return true;
        if (chunk === null) {
          // Always a copy: the chunks are views into socket reads, and a message kept in a queue
          // must not pin a whole 64 KiB read buffer.
          const body =
            chunks.length === 0
              ? EMPTY
              : chunks.length === 1
                ? Buffer.from(chunks[0]!)
                : Buffer.concat(chunks, size);
          self.push({ command, headers, body } satisfies WholeFrame);
          return true;
        }
        if (chunk.length === 0) return true;
        size += chunk.length;
        if (size > limit) fail(`frame body exceeds the ${limit} byte limit`);
        else chunks.push(chunk);
        return true;
      },
    };
    if (declared !== undefined) {
      (headers as Record<string, string | number>)['content-length'] = declared;
      self._contentLengthRemaining = declared;
      self._parse = proto._parseFixedLengthBody;
      if (declared > limit) fail(`frame body of ${declared} bytes exceeds the ${limit} byte limit`);
    } else {
      self._parse = proto._parseBody;
    }
  }
}

const EMPTY = Buffer.alloc(0);
