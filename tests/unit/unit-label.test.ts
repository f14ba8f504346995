/** `unitLabel`: a unit's name with its level word, never the level twice (docs/decisions/035-village-reporting.md). */
import { describe, expect, it } from "vitest";
import { unitLabel } from "~/contracts/unit-label";

describe("unitLabel", () => {
  it("puts the level before a name that lacks it", () => {
    expect(unitLabel("Posyandu", "Melati")).toBe("Posyandu Melati");
    expect(unitLabel("Pustu", "Kayu Gadang")).toBe("Pustu Kayu Gadang");
  });

  it("keeps a name that already begins with its level, whatever the case", () => {
    expect(unitLabel("Posyandu", "Posyandu Melati")).toBe("Posyandu Melati");
    expect(unitLabel("Puskesmas", "PUSKESMAS Sungai Durian")).toBe("PUSKESMAS Sungai Durian");
  });

  it("reads the level as a whole word", () => {
    expect(unitLabel("Pustu", "Pustukan")).toBe("Pustu Pustukan");
  });
});
