/**
 * Password hashing with scrypt, memory-hard so that a stolen hash is slow to guess: N = 2^17,
 * r = 8, p = 1, 64-byte key, 16-byte random salt. Parameters are stored with the hash so they
 * can be raised later.
 */
import crypto from "node:crypto";

export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1, keyLength: 64 } as const;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128 * N * r bytes (128 MiB here), Node's default is 32 MiB.
    crypto.scrypt(password.normalize("NFKC"), salt, keyLength, { N, r, p, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password as `scrypt$N$r$p$salt$key` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, N, r, p, keyLength);
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** Constant-time check of a password against a stored hash; malformed hashes never match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every(Number.isInteger) || N > 2 ** 20) return false;
  const salt = Buffer.from(parts[4], "base64");
  const expected = Buffer.from(parts[5], "base64");
  const actual = await scrypt(password, salt, N, r, p, expected.length);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password with the current parameters, checked for unknown usernames so they
 * cost the same time as known ones. The HTTP server starts it when it starts.
 */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(crypto.randomBytes(16).toString("hex")).catch((err: unknown) => {
    decoyHash = null; // try again next time rather than fail every unknown name
    throw err;
  });
  return decoyHash;
}

/** Returns a message key when the password breaks the policy, else null. */
export function passwordPolicyError(password: string): "password.tooShort" | "password.tooLong" | null {
  if (password.length < PASSWORD_MIN_LENGTH) return "password.tooShort";
  if (password.length > PASSWORD_MAX_LENGTH) return "password.tooLong";
  return null;
}
