import type { Role } from "~/db/schema";
import type { MessageKey } from "~/i18n/catalog";

export interface NavItem {
  to: string;
  label: MessageKey;
  roles: readonly Role[] | "all";
}

/** Navigation by role; an item appears only for roles its route lets in. */
export const NAV_ITEMS: NavItem[] = [
  { to: "/", label: "nav.home", roles: "all" },
  { to: "/users", label: "nav.users", roles: ["national_admin", "district_admin"] },
  { to: "/scorecards", label: "nav.scorecards", roles: ["national_admin", "district_admin", "district_verifier", "facilitator"] },
  { to: "/templates", label: "nav.templates", roles: ["national_admin", "district_admin"] },
  { to: "/forms", label: "nav.forms", roles: ["puskesmas_operator"] },
  { to: "/verification", label: "nav.verification", roles: ["district_verifier"] },
  { to: "/locks", label: "locks.nav", roles: ["district_admin", "national_admin"] },
  { to: "/imports", label: "nav.imports", roles: ["national_admin", "district_admin", "district_verifier", "puskesmas_operator"] },
];

export function navFor(roles: readonly Role[]): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles === "all" || item.roles.some((r) => roles.includes(r)));
}
