import { isGuest, type User, type Users } from "../db/users.ts";
import { AppError, forbidden } from "../shared/errors.ts";

/** Letters of generated guest handles: no 0/o or 1/l, which read alike. */
const HANDLE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/** Random characters after `guest_` in a guest's handle. */
export const GUEST_HANDLE_CHARS = 6;

/** A fresh `guest_xxxxxx` handle. */
export function guestHandle(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(GUEST_HANDLE_CHARS));
  // 256 is a multiple of the alphabet's 32 letters, so every letter is equally likely.
  const tail = [...bytes].map((b) => HANDLE_ALPHABET[b % 32]).join("");
  return `guest_${tail}`;
}

/** Refuses (403 `guest_not_allowed`) what only registered accounts may do. */
export function refuseGuest(user: User, what: string): void {
  if (isGuest(user)) {
    throw forbidden(
      "guest_not_allowed",
      `Guests cannot ${what}; register to keep your account and do more`,
    );
  }
}

/** Stores a guest under a generated handle, trying another on the rare collision. */
export async function createGuestUser(
  users: Users,
  displayName: string,
): Promise<User> {
  for (let attempt = 0;; attempt++) {
    try {
      return await users.createGuest({ handle: guestHandle(), displayName });
    } catch (err) {
      const taken = err instanceof AppError && err.code === "handle_taken";
      if (!taken || attempt >= 4) throw err;
    }
  }
}
