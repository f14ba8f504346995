import { apiJson } from "~/auth/api.server";
import { openApiDocument } from "~/models/openapi.server";

/** GET /api/v1/openapi.json: the API's OpenAPI 3.1 document; public, it holds shapes only (docs/decisions/047-api-tokens.md). */
export async function loader() {
  return apiJson(openApiDocument(), 200, { "Cache-Control": "public, max-age=3600" });
}
