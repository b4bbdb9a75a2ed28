/**
 * A growing output buffer: a batch's XML fragments and extension parts are
 * written one after another into it and sent back as one transferable
 * buffer, with offsets instead of per-package copies.
 */
export class ByteWriter {
  buf: Buffer;
  length = 0;

  constructor(size = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `bytes` more bytes. */
  reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + bytes));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  /** A string as UTF-8 (at most 3 bytes per UTF-16 unit). */
  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buf.write(text, this.length, 'utf8');
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }
}
