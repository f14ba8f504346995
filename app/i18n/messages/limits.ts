/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "bodyLimit.title": "Kiriman terlalu besar",
  "bodyLimit.what":
    "Data yang dikirim ke halaman ini lebih besar dari batasnya ({limit}). Kiriman tidak dibaca sampai habis; tidak ada yang diproses atau disimpan.",
  "bodyLimit.fix.anonymous":
    "Anda belum masuk atau sesi Anda sudah berakhir, dan sebelum masuk Pantau ILP hanya menerima kiriman kecil. Masuk dulu, lalu kirim ulang dari halaman yang Anda pakai.",
  "bodyLimit.fix.import": "Berkas impor paling besar {max} MB. Bagi data menjadi beberapa berkas XLSX atau CSV, lalu unggah satu per satu.",
  "bodyLimit.fix.template": "Berkas paket atau adaptasi paling besar {max} MB. Buang bagian yang tidak perlu atau pecah paketnya, lalu unggah lagi.",
  "bodyLimit.fix.designer":
    "Paket yang disunting paling besar {max} KB. Kecilkan paketnya (misalnya pindahkan sebagian formulir ke paket lain), lalu simpan lagi.",
  "bodyLimit.fix.form": "Periksa isian teks yang sangat panjang, perpendek, lalu kirim lagi.",
  "bodyLimit.back": "Kembali ke beranda",
} as const;

export const en: Record<keyof typeof id, string> = {
  "bodyLimit.title": "Request too large",
  "bodyLimit.what": "The data sent to this page is larger than its limit ({limit}). It was not read to the end; nothing was processed or stored.",
  "bodyLimit.fix.anonymous":
    "You are not signed in or your session has ended, and before signing in Pantau ILP accepts only small requests. Sign in first, then send again from the page you were using.",
  "bodyLimit.fix.import": "An import file may be at most {max} MB. Split the data into several XLSX or CSV files and upload them one by one.",
  "bodyLimit.fix.template": "A package or adaptation file may be at most {max} MB. Remove unneeded parts or split the package, then upload it again.",
  "bodyLimit.fix.designer":
    "A package being edited may be at most {max} KB. Make it smaller (for example move some forms to another package), then save again.",
  "bodyLimit.fix.form": "Check for very long text answers, shorten them, then send again.",
  "bodyLimit.back": "Back to the home page",
};
