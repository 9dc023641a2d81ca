// Plain data passed between the HTTP layer and the request pipeline: what came in, what goes out. No behaviour.
import type { Readable } from 'node:stream';

/** A request as read off the socket: nothing parsed beyond the request line and the raw query string. */
export interface RawRequest {
  readonly method: string;
  /** Percent-encoded path without the query string. */
  readonly path: string;
  /** Raw query string without the leading `?` ('' when none). */
  readonly rawQuery: string;
  /** Lower-cased header names; repeated headers joined as Node joins them, `prefer` kept as a list. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly preferHeaders: readonly string[];
  readonly body: Buffer;
  readonly remoteAddress: string;
}

/** A body written while it arrives: exactly `byteLength` bytes will come from the stream. */
export interface StreamedBody extends Readable {
  readonly byteLength: number;
}

/** A response ready to be written: `body` null means no body at all (HEAD, 204). */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer | StreamedBody | null;
}

/** The body's length in bytes. */
export function bodyLength(body: string | Buffer | StreamedBody): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}
