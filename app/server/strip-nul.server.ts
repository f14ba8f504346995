/**
 * React 18.3's streaming renderer can emit NUL bytes where a multi-byte UTF-8 character meets the
 * end of its 2,048-byte chunk buffer (facebook/react#24985, #31134): browsers show U+FFFD (�) in
 * the attribute values they land in (a scorecard cell's aria-label read "… \0\0↓ memburuk").
 * HTML never contains a legitimate NUL byte, and in UTF-8 the byte 0x00 is only ever U+0000
 * itself (never part of another character), so dropping every 0x00 byte of the response is exact.
 */
import { Transform, type TransformCallback } from "node:stream";

/** A pass-through stream that drops 0x00 bytes; chunks without one pass unchanged (no copy). */
export function stripNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      if (buf.indexOf(0) === -1) {
        callback(null, buf);
        return;
      }
      const out = Buffer.allocUnsafe(buf.length);
      let n = 0;
      for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) out[n++] = buf[i];
      callback(null, out.subarray(0, n));
    },
  });
}
