/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "error.400": "Permintaan ini tidak dapat diproses karena isinya tidak sah. Muat ulang halaman lalu coba lagi.",
  "error.405": "Halaman ini tidak menerima cara pengiriman ini. Buka halaman dari menu lalu gunakan tombol di halaman itu.",
  "error.413": "Kiriman terlalu besar untuk halaman ini. Kecilkan isinya (misalnya bagi berkas menjadi beberapa bagian) lalu coba lagi.",
  "error.415": "Data dikirim dalam format yang tidak diterima. Kirim dari formulir di halaman Pantau ILP (bukan sebagai JSON atau teks biasa).",
  "error.badForm": "Isi formulir yang dikirim rusak atau tidak lengkap. Muat ulang halaman, isi kembali, lalu kirim lagi.",
  "error.badPath": "Alamat halaman tidak sah (ada karakter yang rusak). Periksa alamatnya atau buka halaman dari menu.",
  "error.openHome": "Buka beranda",
  "error.legacyData":
    "Halaman ini dimuat dari versi aplikasi yang lama. Muat ulang halaman lalu coba lagi; permintaan ini tidak diproses dan tidak ada yang disimpan.",
} as const;

export const en: Record<keyof typeof id, string> = {
  "error.400": "This request cannot be processed because its content is not valid. Reload the page and try again.",
  "error.405": "This page does not accept this kind of request. Open the page from the menu and use the buttons on it.",
  "error.413": "The submission is too large for this page. Make it smaller (for example split the file into parts) and try again.",
  "error.415": "The data was sent in a format that is not accepted. Send it from the form on the Pantau ILP page (not as JSON or plain text).",
  "error.badForm": "The form that was sent is broken or incomplete. Reload the page, fill it in again and send it again.",
  "error.badPath": "The page address is not valid (it has broken characters). Check the address or open the page from the menu.",
  "error.openHome": "Open the home page",
  "error.legacyData":
    "This page was loaded from an old version of the app. Reload the page and try again; this request was not processed and nothing was saved.",
};
