// ESLint for the whole repository (run by `npm run lint`, which `npm test` runs first).
// It lives beside tests/vitest.config.ts so the top level stays as the project fixed it; an
// editor finds it with ESLint's "overrideConfigFile" setting (docs/style.md).
//
// The restricted-import rules encode the layers of docs/architecture.md: routes → models →
// engine; components import only components, contracts, the browser-safe engine entry and i18n.
import path from "node:path";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import prettier from "eslint-config-prettier";
import comments from "@eslint-community/eslint-plugin-eslint-comments";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Patterns no app file may import: deep relative paths (use ~/, @engine, @seeds). */
const deepRelative = { group: ["../../*"], message: "Pakai alias ~/, @engine, @seeds atau @schemas, bukan jalur relatif yang dalam (docs/architecture.md)." };

/** What browser code (components, contracts) must not reach: server code and the Ajv entry. */
const serverOnly = [
  {
    group: ["~/models/*", "~/routes/*", "~/auth/*", "~/server/*", "~/cli/*"],
    message: "Komponen hanya mengimpor komponen, ~/contracts, @engine dan ~/i18n (docs/architecture.md).",
    allowTypeImports: false,
  },
  { group: ["~/db/*"], message: "Komponen hanya boleh mengambil tipe dari ~/db (import type).", allowTypeImports: true },
  { group: ["@engine/*"], message: "Kode peramban memakai @engine (tanpa Ajv), bukan berkas mesin satu per satu atau @engine/server." },
  { group: ["*.server", "**/*.server"], message: "Berkas *.server tidak boleh masuk ke bundel peramban." },
  deepRelative,
];

export default tseslint.config(
  {
    ignores: ["node_modules/**", "build/**", "public/build/**", ".cache/**", "data/**", "tests/artifacts/**", "schemas/types.generated.ts"],
  },
  {
    basePath: root,
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    plugins: { "react-hooks": reactHooks, "import-x": importX, "@eslint-community/eslint-comments": comments },
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        __dirname: "readonly",
        window: "readonly",
        document: "readonly",
      },
    },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver": undefined,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: path.join(root, "tsconfig.json") })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-self-import": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "no-undef": "off",
      // A rule switched off must say why, after "--".
      "@eslint-community/eslint-comments/require-description": ["error", { ignore: [] }],
      "@eslint-community/eslint-comments/no-unlimited-disable": "error",
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    // Hooks live in the browser code; test helpers named use…() (useE2E, useTestDatabase) are not React hooks.
    files: ["app/**/*.tsx", "app/components/**/*.ts"],
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    // Migrations are frozen in time: they take Kysely<any>, Kysely's own idiom, so they never depend on today's schema types.
    // Tests read and poke at arbitrary JSON answers.
    files: ["app/db/migrations/**/*.ts", "tests/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // A guard or check that returns a promise must be awaited: an un-awaited refusal is a check skipped.
    files: ["app/**/*.{ts,tsx}"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
  {
    files: ["engine/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["~/*", "@engine", "@engine/*", "@seeds/*", "../app/*", "../../app/*"],
              message: "Mesin tidak mengimpor apa pun dari app/ (docs/architecture.md).",
            },
            { regex: "^node:", message: "Mesin murni: tanpa modul bawaan Node." },
          ],
        },
      ],
    },
  },
  {
    files: ["app/models/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["~/components/*", "~/routes/*"],
              message: "Model tidak mengimpor komponen atau rute; tipe tampilan bersama ada di ~/contracts (docs/architecture.md).",
            },
            deepRelative,
          ],
        },
      ],
    },
  },
  {
    files: ["app/components/**/*.{ts,tsx}", "app/contracts/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: serverOnly }] },
  },
  {
    files: [
      "app/routes/**/*.{ts,tsx}",
      "app/auth/**/*.ts",
      "app/server/**/*.ts",
      "app/db/**/*.ts",
      "app/cli/**/*.ts",
      "app/utils/**/*.ts",
      "app/i18n/**/*.ts",
      "app/*.{ts,tsx}",
    ],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [deepRelative] }] },
  },
  prettier,
);
