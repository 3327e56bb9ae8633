/**
 * Log lines written straight into the bytes of the chunk that goes to stdout and the log file. On the
 * consume path two lines are logged per record; built as strings (a dozen concatenations, a
 * `JSON.stringify` per value), then joined into a chunk and encoded, they were a sixth of everything
 * notification-service allocated. Here each piece is copied into the chunk as bytes as it comes.
 *
 * A writer first asks for room (`room`, an upper bound of the bytes it will write), then writes.
 */

/** A chunk this empty when it is handed on is copied out, and its buffer kept. */
const COPY_OUT_BELOW = 1 / 4;

export class ChunkBuffer {
  readonly #size: number;
  readonly #onChunk: (bytes: Buffer) => void;
  #bytes: Buffer;
  #used = 0;

  /** `onChunk` receives each chunk once it is handed on (it keeps it: the bytes never change again). */
  constructor(size: number, onChunk: (bytes: Buffer) => void) {
    this.#size = size;
    this.#onChunk = onChunk;
    this.#bytes = Buffer.allocUnsafe(size);
  }

  /** Bytes written since the last chunk was handed on. */
  get used(): number {
    return this.#used;
  }

  /** Makes sure `n` more bytes fit, handing the chunk on first when they would not. */
  room(n: number): void {
    if (this.#used + n <= this.#bytes.length) return;
    this.flush();
    if (n > this.#bytes.length) this.#bytes = Buffer.allocUnsafe(Math.max(n, this.#size));
  }

  /** Hands what was written on as one chunk. */
  flush(): void {
    const used = this.#used;
    if (used === 0) return;
    this.#used = 0;
    if (used < this.#bytes.length * COPY_OUT_BELOW) {
      // A few lines (a quiet service, flushed by time): copied out, the buffer is used again.
      this.#onChunk(Buffer.from(this.#bytes.subarray(0, used)));
      return;
    }
    const chunk = this.#bytes.subarray(0, used);
    this.#bytes = Buffer.allocUnsafe(this.#size);
    this.#onChunk(chunk);
  }

  /** Bytes as they are (pre-encoded parts of a line). */
  bytes(source: Uint8Array): void {
    const target = this.#bytes;
    let offset = this.#used;
    if (source.length > 32) {
      target.set(source, offset);
      this.#used = offset + source.length;
      return;
    }
    for (let index = 0; index < source.length; index++) target[offset++] = source[index]!;
    this.#used = offset;
  }

  /** A string whose characters are all ASCII (a time stamp), as it is. Room: its length. */
  ascii(text: string): void {
    const target = this.#bytes;
    let offset = this.#used;
    for (let index = 0; index < text.length; index++) target[offset++] = text.charCodeAt(index);
    this.#used = offset;
  }

  /** A string, UTF-8 encoded. Room: 3 bytes per character. */
  utf8(text: string): void {
    this.#used += this.#bytes.write(text, this.#used, 'utf8');
  }

  /**
   * A string as a JSON string, exactly as `JSON.stringify` writes it. Room: 6 bytes per character + 2.
   * Printable ASCII without quotes or backslashes (ids, topic names) is copied byte by byte; anything
   * else goes through `JSON.stringify`.
   */
  jsonString(text: string): void {
    const target = this.#bytes;
    let offset = this.#used;
    target[offset++] = 0x22;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
        this.utf8(JSON.stringify(text));
        return;
      }
      target[offset++] = code;
    }
    target[offset++] = 0x22;
    this.#used = offset;
  }

  /** A number as JSON (`null` when it is not finite, as pino writes it). Room: 32 bytes. */
  jsonNumber(value: number): void {
    if (Number.isSafeInteger(value) && value >= 0) {
      this.ascii(String(value));
      return;
    }
    this.ascii(Number.isFinite(value) ? JSON.stringify(value) : 'null');
  }
}
