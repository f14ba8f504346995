import type { LoaderFunctionArgs } from "@remix-run/node";
import { forbiddenText, requireUser } from "~/auth/guards.server";
import { evidenceFile } from "~/models/actions.server";
import { parseId } from "~/utils/http.server";

/**
 * One evidence file of an action: the same read checks as the action (its cell's or responsible
 * unit in the reader's area), always as an attachment with its stored, content-checked type. The
 * sandbox policy is defence in depth: a PDF with scripts that a browser opens inline all the same
 * runs in an opaque origin with nothing allowed to load.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = parseId(params.id) ?? -1;
  const evidenceId = parseId(params.evidenceId) ?? -1;
  const found = await evidenceFile(user, id, evidenceId);
  if ("ok" in found) {
    if (found.status === 403) throw forbiddenText(found.message);
    throw new Response(found.message, { status: found.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const f = found.file;
  // The stored name is already reduced to [A-Za-z0-9._-]; quoted all the same.
  const name = f.file_name.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(new Uint8Array(f.content), {
    status: 200,
    headers: {
      "Content-Type": f.media_type,
      "Content-Length": String(f.content.length),
      "Content-Disposition": `attachment; filename="${name}"`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'",
      "Cache-Control": "private, no-store",
    },
  });
}
