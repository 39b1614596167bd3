import { hashPassword } from "../auth/password.ts";
import type { User } from "../db/users.ts";
import { destinationPoint } from "../geo/distance.ts";
import type { Services } from "../services/mod.ts";
import { mulberry32 } from "../shared/random.ts";
import type { RoomCategory } from "../shared/schemas.ts";

/** What to seed: a centre, how many rooms within how far, and messages per room. */
export type SeedOptions = {
  lat: number;
  lng: number;
  rooms: number;
  messages: number;
  spreadM: number;
  seed: number;
};

/** The password every demo account gets; demo data is for local use only. */
export const DEMO_PASSWORD = "vicinity-demo";

const PEOPLE = ["ana", "ben", "chen", "dara", "emeka", "fatima"];
const PLACES = [
  "Corner café",
  "Library steps",
  "Park bench",
  "Food hall",
  "Co-working floor",
];
const CATEGORIES: RoomCategory[] = ["social", "networking", "event", "venue"];
const LINES = [
  "Anyone around for coffee?",
  "The wifi here is great today.",
  "Who's going to the talk at 6?",
  "Lost a blue umbrella near the entrance — seen it?",
  "Live music starting soon!",
  "Is the east door open?",
];

async function demoUsers(services: Services): Promise<User[]> {
  const { users } = services.repos;
  return await Promise.all(PEOPLE.map(async (name) => {
    const handle = `demo_${name}`;
    const existing = await users.getUserByHandle(handle);
    if (existing) return existing;
    // Each account gets its own salt, demo or not.
    const password = await hashPassword(DEMO_PASSWORD);
    return await users.createUser({
      handle,
      displayName: name[0].toUpperCase() + name.slice(1),
      password,
    });
  }));
}

/** Fills KV with demo users, rooms spread around a point, and messages; returns counts. */
export async function seedDemo(services: Services, opts: SeedOptions) {
  const rand = mulberry32(opts.seed);
  const people = await demoUsers(services);
  const { rooms, members, messages } = services.repos;
  let sent = 0;
  for (let i = 0; i < opts.rooms; i++) {
    // sqrt spreads rooms evenly over the disc's area rather than bunching them at the centre.
    const at = destinationPoint(
      opts,
      rand() * 360,
      Math.sqrt(rand()) * opts.spreadM,
    );
    const owner = people[i % people.length];
    const room = await rooms.createRoom(owner.id, {
      // Demo rooms stand at picked places, not at anyone's fix.
      placement: "map",
      name: `${PLACES[i % PLACES.length]} #${i + 1}`,
      description: "Demo room made by `deno task seed`.",
      lat: at.lat,
      lng: at.lng,
      radiusM: [150, 300, 800, 2000][i % 4],
      category: CATEGORIES[i % CATEGORIES.length],
    });
    for (const p of people) {
      await members.addMember(room.id, {
        id: p.id,
        handle: p.handle,
        displayName: p.displayName,
      });
    }
    for (let m = 0; m < opts.messages; m++) {
      const author = people[Math.floor(rand() * people.length)];
      const view = {
        id: author.id,
        handle: author.handle,
        displayName: author.displayName,
      };
      const text = LINES[Math.floor(rand() * LINES.length)];
      const res = await messages.createMessage(room.id, {
        author: view,
        text,
        clientId: `seed-${room.id}-${m}`,
        category: "social",
        mentions: [],
      });
      if (res.created) sent++;
    }
  }
  return {
    users: people.map((p) => p.handle),
    rooms: opts.rooms,
    messages: sent,
  };
}
