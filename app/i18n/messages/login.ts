/** Messages of one feature; spread into app/i18n/catalog.ts. Same keys in both locales (tested). */
export const id = {
  "login.title": "Masuk ke Pantau ILP",
  "login.intro": "Masuk dengan akun yang diberikan Dinas Kesehatan Anda.",
  "login.username": "Nama pengguna",
  "login.password": "Kata sandi",
  "login.submit": "Masuk",
  "login.failed": "Nama pengguna atau kata sandi salah. Periksa ejaan dan tombol Caps Lock, lalu coba lagi.",
  "login.missing": "Isi nama pengguna dan kata sandi.",
  "login.throttled": "Terlalu banyak percobaan masuk dari alamat jaringan ini. Tunggu {wait}, lalu coba lagi.",
  "login.waitPair":
    "Terlalu banyak percobaan gagal dengan nama pengguna ini dari perangkat ini. Tunggu {wait}, lalu coba lagi. Periksa dulu nama pengguna dan kata sandi (juga tombol Caps Lock); bila Anda lupa kata sandi, hubungi admin Dinkes.",
  "login.waitAccount":
    "Nama pengguna ini terlalu sering dicoba dengan kata sandi salah dari berbagai tempat, jadi perangkat yang belum pernah dipakai masuk dengan nama ini harus menunggu {wait}. Masuklah dari perangkat yang biasa Anda pakai (tanpa menunggu), atau tunggu lalu coba lagi. Bila terus berulang, hubungi admin Dinkes.",
  "login.oneSecond": "1 detik",
  "login.seconds": "{count} detik",
  "login.minutes": "{count} menit",
  "login.demo": "Basis data demo: semua akun demo memakai kata sandi pantau-demo.",
  "audit.login_throttled": "Percobaan masuk ditahan",
} as const;

export const en: Record<keyof typeof id, string> = {
  "login.title": "Sign in to Pantau ILP",
  "login.intro": "Sign in with the account your health office gave you.",
  "login.username": "Username",
  "login.password": "Password",
  "login.submit": "Sign in",
  "login.failed": "Wrong username or password. Check the spelling and Caps Lock, then try again.",
  "login.missing": "Enter your username and password.",
  "login.throttled": "Too many sign-in attempts from this network address. Wait {wait}, then try again.",
  "login.waitPair":
    "Too many failed sign-ins with this username from this device. Wait {wait}, then try again. Check the username and password first (and Caps Lock); if you have forgotten your password, contact your health office admin.",
  "login.waitAccount":
    "This username has had too many wrong passwords from many places, so devices that have not signed in with it before must wait {wait}. Sign in from the device you usually use (no wait), or wait and try again. If it keeps happening, contact your health office admin.",
  "login.oneSecond": "1 second",
  "login.seconds": "{count} seconds",
  "login.minutes": "{count} minutes",
  "login.demo": "Demo database: every demo account uses the password pantau-demo.",
  "audit.login_throttled": "Sign-in attempt held back",
};
