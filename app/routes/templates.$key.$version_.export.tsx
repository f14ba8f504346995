import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound, requireUser } from "~/auth/guards.server";
import { libraryAccess } from "~/auth/policy.server";
import { exportPackageJson } from "~/models/template-library.server";

/**
 * Resource route: a published package version as a JSON download, byte for byte what
 * `npm run cli -- template export <key> --version N` prints. Admins only.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  // Packages are visible to every admin (national and district); other roles get 403 here.
  const user = await requireUser(request);
  libraryAccess(user);
  const version = Number(params.version);
  if (!params.key || !Number.isInteger(version) || version < 1) throw notFound(user, "access.package.notFound");
  const { filename, body } = await exportPackageJson(params.key, version, user);
  return new Response(`${body}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
