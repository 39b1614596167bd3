/** PBKDF2-SHA256 iterations; OWASP's 2023 floor for this KDF. */
export const PBKDF2_ITERATIONS = 600_000;

/** How a password is stored: never the password, only a salted slow hash. */
export type PasswordHash = {
  alg: "pbkdf2-sha256";
  iterations: number;
  salt: string;
  hash: string;
};

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function derive(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return {
    alg: "pbkdf2-sha256",
    iterations: PBKDF2_ITERATIONS,
    salt: b64(salt),
    hash: b64(hash),
  };
}

/** Checks a password against a stored hash in time independent of where they differ. */
export async function verifyPassword(
  password: string,
  stored: PasswordHash,
): Promise<boolean> {
  const actual = await derive(password, unb64(stored.salt), stored.iterations);
  const expected = unb64(stored.hash);
  if (actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i] ^ expected[i];
  return diff === 0;
}

/** A stored hash no password matches; verifying against it costs the same as a real one. */
export const DECOY_HASH: PasswordHash = {
  alg: "pbkdf2-sha256",
  iterations: PBKDF2_ITERATIONS,
  salt: b64(new Uint8Array(16)),
  hash: b64(new Uint8Array(1)),
};
