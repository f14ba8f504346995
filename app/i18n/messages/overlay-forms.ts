/** Messages of local forms in district adaptations; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "overlayDesigner.op.addForm": "Formulir lokal {key}",
  "overlayForms.addHint": 'Formulir lokal kabupaten/kota: kode formulir dan setiap isiannya diawali "lokal_". Indikator lokal dapat membaca isiannya.',
};

export const en: Record<keyof typeof id, string> = {
  "overlayDesigner.op.addForm": "Local form {key}",
  "overlayForms.addHint": "A district's local form: the form's key and each of its fields start with \"lokal_\". Local indicators can read its fields.",
};
