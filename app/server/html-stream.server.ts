/**
 * The stream every server-rendered page goes through on its way out (app/entry.server.tsx).
 *
 * 1. NUL bytes. React 18.3's streaming renderer can emit NUL bytes where a multi-byte UTF-8
 *    character meets the end of its 2,048-byte chunk buffer (facebook/react#24985, #31134):
 *    browsers show U+FFFD (�) in the attribute values they land in (a scorecard cell's
 *    aria-label read "… \0\0↓ memburuk"). HTML never contains a legitimate NUL byte, and in UTF-8
 *    the byte 0x00 is only ever U+0000 itself (never part of another character), so dropping
 *    every 0x00 byte is exact.
 * 2. Fewer, larger chunks. React writes a large page as thousands of ~2 KB chunks in one go; the
 *    gzip middleware then makes one zlib call per chunk (≈ 0.3 s for a 9 MB national scorecard).
 *    Chunks written in the same turn of the event loop are joined (up to 64 KB) and passed on
 *    together at the end of that turn, so nothing waits longer than the renderer itself.
 */
import { Transform, type TransformCallback } from "node:stream";

const MAX_JOINED = 64 * 1024;

function withoutNul(buf: Buffer): Buffer {
  if (buf.indexOf(0) === -1) return buf;
  const out = Buffer.allocUnsafe(buf.length);
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) out[n++] = buf[i];
  return out.subarray(0, n);
}

/** A pass-through stream that drops 0x00 bytes and joins the chunks written in one turn. */
export function htmlResponseStream(): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  let scheduled = false;
  const stream = new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      const buf = withoutNul(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      pending.push(buf);
      size += buf.length;
      if (size >= MAX_JOINED) flushPending();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flushPending();
        });
      }
      callback();
    },
    flush(callback: TransformCallback) {
      flushPending();
      callback();
    },
  });
  function flushPending() {
    if (size === 0) return;
    const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending, size);
    pending = [];
    size = 0;
    stream.push(joined);
  }
  return stream;
}
