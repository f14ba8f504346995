/** Redirect targets after login and a language switch stay on this site, whatever is posted. */
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "~/utils/http.server";

describe("safeRedirectPath", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeRedirectPath("/")).toBe("/");
    expect(safeRedirectPath("/scorecards?period=2025-12&parent=33.28")).toBe("/scorecards?period=2025-12&parent=33.28");
    expect(safeRedirectPath("/forms/ilp_profil/2025-03#top")).toBe("/forms/ilp_profil/2025-03#top");
    expect(safeRedirectPath("/a/../b")).toBe("/b");
  });

  it.each([
    ["//evil.example", "protocol-relative"],
    ["/\\evil.example", "backslash"],
    ["/\t/evil.example", "tab that browsers drop"],
    ["/\n/evil.example", "line break"],
    ["/\r\nSet-Cookie: x=1", "header injection"],
    ["/a\u3000b", "ideographic space (not a header byte)"],
    ["/\u0000", "NUL"],
    ["https://evil.example/", "absolute URL"],
    ["javascript:alert(1)", "scheme"],
    ["evil.example", "relative without a slash"],
    ["/%0d%0aX", "encoded break stays encoded"],
    ["", "empty"],
    [`/${"a".repeat(3000)}`, "too long"],
  ])("refuses %j (%s)", (value, _why) => {
    const out = safeRedirectPath(value);
    if (value === "/%0d%0aX") expect(out).toBe("/%0d%0aX");
    else expect(out).toBe("/");
    expect(out).toMatch(/^\/[\x21-\x7e]*$/);
    expect(out.startsWith("//")).toBe(false);
  });

  it("refuses what is not a string", () => {
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(undefined, "/forms")).toBe("/forms");
  });
});
