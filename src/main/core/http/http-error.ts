/** An error with an HTTP status; `body` replaces the default `{detail}` when DRF has its own shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}
