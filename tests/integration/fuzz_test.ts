import assert from "node:assert/strict";
import { mulberry32 } from "../../lib/shared/random.ts";
import {
  api,
  createRoom,
  joinRoom,
  registerUser,
  sendMessage,
  setPin,
  setReaction,
  type TestUser,
} from "../helpers/api.ts";
import {
  type AuthKind,
  casesFor,
  type Fixtures,
  Fresh,
  type FuzzCase,
  judge,
  OMIT,
  type Operation,
  operationsOf,
  type Variant,
} from "../helpers/fuzz.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

/** Same seed, same requests; VICINITY_FUZZ_SEED replays another run. */
const SEED = Number(Deno.env.get("VICINITY_FUZZ_SEED") ?? 0x5eed_f022);
/** When set, every case and its answer are written there as JSON lines, for a closer look. */
const LOG_PATH = Deno.env.get("VICINITY_FUZZ_LOG");
/** Seeded cases per operation breaking several things at once. */
const RANDOM_PER_OP = 15;
/** Upper bound on fuzz requests, whatever the document grows to. */
const MAX_REQUESTS = 6_000;
/** The fuzzing stops sending here and the test fails, rather than hold up the suite. */
const TIME_BUDGET_MS = 50_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** How many times spare may be signed in again (or replaced) after an operation ends it. */
const MAX_RENEWALS = 60;
const PASSWORD = "correct horse battery";
const HERE = { lat: 48.8566, lng: 2.3522 };
const ELSEWHERE = { lat: 48.9566, lng: 2.3522 };
/** Owners of identical rooms, taking turns when one is rate-limited (rooms/hour, actions/10 s). */
const OWNERS = 6;
const MISSING_ULID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

/** Which users and data the fuzzer's valid values point at. */
type World = {
  a: TestUser;
  b: TestUser;
  loginTarget: TestUser;
  /** Whose own session and account the /me and logout operations act on. */
  spare: TestUser;
  /** One of spare's sessions that is not the one its token holds. */
  spareSessionId: string;
  /**
   * A and its room first, then other owners of rooms with the same history, who retry a case
   * (in their own room) when the one before was rate-limited by a per-user limit.
   */
  owners: { user: TestUser; roomId: string }[];
  roomId: string;
  foreignRoomId: string;
  seq: number;
  replySeq: number;
  notificationSeq: number;
};

/** A room with the same history in every copy: a root by its owner, B's reply, an edit, a pin. */
async function furnishRoom(url: string, owner: TestUser, b: TestUser) {
  const room = await createRoom(url, owner, HERE, { radiusM: 1000 });
  await joinRoom(url, b, room.id, HERE);
  const root = await sendMessage(url, owner, room.id, "root", "fz-root");
  const seq: number = root.body.seq;
  const reply = await sendMessage(
    url,
    b,
    room.id,
    `hi @${owner.user.handle}`,
    "fz-reply",
    {
      threadRoot: seq,
    },
  );
  await api(url, `/rooms/${room.id}/messages/${seq}`, {
    method: "PATCH",
    token: owner.token,
    body: { text: "root, edited" },
  });
  await setPin(url, owner, room.id, seq, true);
  await setReaction(url, b, room.id, seq, "👍", true);
  return {
    user: owner,
    roomId: room.id,
    seq,
    replySeq: reply.body.seq as number,
  };
}

async function buildWorld(url: string): Promise<World> {
  const [a, b, loginTarget, spare] = [
    await registerUser(url, "fza"),
    await registerUser(url, "fzb"),
    await registerUser(url, "fzc"),
    await registerUser(url, "fzs"),
  ];
  await logIn(url, spare.user.handle);
  const sessions = await api(url, "/me/sessions", { token: spare.token });
  const other = sessions.status === 200
    ? sessions.body.items.find((s: { current: boolean }) => !s.current)
    : null;
  const foreign = await createRoom(url, b, ELSEWHERE);
  const owners = [await furnishRoom(url, a, b)];
  for (let i = 1; i < OWNERS; i++) {
    owners.push(await furnishRoom(url, await registerUser(url, "fzo"), b));
  }
  for (const o of owners) {
    assert.deepEqual([o.seq, o.replySeq], [owners[0].seq, owners[0].replySeq]);
  }
  const notes = await api(url, "/notifications", { token: a.token });
  assert.equal(notes.status, 200);
  return {
    a,
    b,
    loginTarget,
    spare,
    spareSessionId: other?.id ?? "0123456789abcdef",
    owners,
    roomId: owners[0].roomId,
    foreignRoomId: foreign.id,
    seq: owners[0].seq,
    replySeq: owners[0].replySeq,
    notificationSeq: notes.body.items[0]?.seq ?? 1,
  };
}

/** Signs a user in with the test password; null when refused. */
async function logIn(
  url: string,
  handle: string,
  client?: Deno.HttpClient,
): Promise<Session | null> {
  return await signIn(
    url,
    "/auth/login",
    { handle, password: PASSWORD },
    client,
  );
}

/** POSTs credentials to login or register; the session, or null when refused. */
async function signIn(
  url: string,
  path: string,
  body: Record<string, string>,
  client?: Deno.HttpClient,
): Promise<Session | null> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    client,
  });
  const json = await res.json();
  if (!res.ok) return null;
  const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
  return { token: json.token, cookie, handle: json.user.handle };
}

/** Valid values from the world, and the other ids and texts worth trying, by name. */
function fixturesOf(w: World): Fixtures {
  let clientIds = 0;
  const ids: Variant[] = [
    { label: "foreign room", value: w.foreignRoomId },
    { label: "missing ulid", value: MISSING_ULID },
    { label: "max ulid", value: "7ZZZZZZZZZZZZZZZZZZZZZZZZZ" },
    { label: "min ulid", value: "00000000000000000000000000" },
    { label: "ulid overflow", value: "8ZZZZZZZZZZZZZZZZZZZZZZZZZ" },
    { label: "lowercase room", value: w.roomId.toLowerCase() },
    { label: "user id", value: w.b.user.id },
  ];
  const seqs: Variant[] = [
    { label: "reply seq", value: w.replySeq },
    { label: "seq past head", value: w.replySeq + 1_000 },
  ];
  const alternates: Record<string, Variant[]> = {
    id: ids,
    roomId: ids,
    cursor: ids,
    userId: [{ label: "other user", value: w.b.user.id }, ...ids],
    seq: seqs,
    threadRoot: seqs,
    before: seqs,
    after: seqs,
    handle: [
      { label: "taken handle", value: w.a.user.handle },
      {
        label: "uppercase handle",
        value: w.loginTarget.user.handle.toUpperCase(),
      },
    ],
    clientId: [{ label: "repeated clientId", value: "fz-root" }],
    text: [{
      label: "mentions everyone",
      value: [w.a, w.b, w.loginTarget, w.spare, ...w.owners.map((o) => o.user)]
        .map((u) => `@${u.user.handle}`).join(" ") + " @nobody_here",
    }],
    emoji: ["👍🏽", "🇫🇷", "1️⃣", "👨‍👩‍👧‍👦", "👍👍", "©", "❤", "a"].map((e) => ({
      label: `emoji ${e}`,
      value: e,
    })),
  };
  const auth = (op: Operation) => op.path.startsWith("/auth/");
  const mine = (op: Operation) => op.path.startsWith("/me/sessions/");
  const byName: Record<string, unknown> = {
    id: w.roomId,
    roomId: w.roomId,
    userId: w.b.user.id,
    seq: w.seq,
    threadRoot: w.seq,
    upto: w.notificationSeq,
    lat: HERE.lat,
    lng: HERE.lng,
    accuracy: 10,
    radius: 1000,
    radiusM: 300,
    limit: 10,
    cursor: OMIT,
    after: OMIT,
    before: OMIT,
    text: "fuzz text",
    clientId: new Fresh(() => `fz-${++clientIds}`),
    emoji: "👍",
    displayName: "Fuzz Person",
    name: "Fuzz room",
    password: PASSWORD,
    oldPassword: PASSWORD,
    newPassword: PASSWORD,
  };
  return {
    valid(op, name) {
      if (auth(op) && name === "handle") {
        return op.path === "/auth/login" ? w.loginTarget.user.handle : "fz_new";
      }
      if (mine(op) && name === "id") return w.spareSessionId;
      return byName[name];
    },
    alternates: (name) => alternates[name] ?? [],
  };
}

/** Where the operations on the caller's own account and session start in the run order. */
const SELF = 4;

/**
 * Run order: reads; writes; deletes; leaving; then, as spare, my own account, then what ends
 * my session or account; sign-in last, since it uses up the per-address limits.
 */
function phaseOf(op: Operation): number {
  const self = /^\/(me|account|sessions)\b/.test(op.path);
  if (op.path === "/auth/logout" || self && /delete/.test(op.path)) return 5;
  if (op.path.startsWith("/auth/")) return 6;
  if (op.method === "GET") return 0;
  if (self) return SELF;
  if (op.path.endsWith("/leave")) return 3;
  return op.method === "DELETE" ? 2 : 1;
}

/** Requests for methods and paths the document does not describe: each must be a JSON 404/405. */
function strayCases(ops: Operation[], w: World): FuzzCase[] {
  const fill = (p: string) =>
    p.replace("{id}", w.roomId).replace(/\{\w+\}/g, String(w.seq));
  const byPath = Map.groupBy(ops, (op) => op.path);
  const cases: FuzzCase[] = [];
  const stray = (method: string, url: string, label: string) =>
    cases.push({
      op: `${method} ${url}`,
      label,
      method,
      url,
      auth: "bearer",
      headers: method === "GET" || method === "HEAD"
        ? {}
        : { "content-type": "application/json" },
      body: method === "GET" || method === "HEAD" ? undefined : "{}",
    });
  for (const [path, list] of byPath) {
    const has = new Set(list.map((op) => op.method));
    for (
      const m of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    ) {
      if (!has.has(m) && !(m === "HEAD" && !has.has("GET"))) {
        stray(m, fill(path), "method:not in document");
      }
    }
  }
  for (
    const url of [
      "/nope",
      `/rooms/${w.roomId}/nope`,
      "/rooms/",
      "//rooms",
      "/rooms/nearby/extra",
      `/rooms/${w.roomId}/messages/${w.seq}/thread/x`,
      "/openapi.json/x",
      "/../v2/rooms",
      "/%2e%2e/v2/rooms",
      "/rooms/%zz",
    ]
  ) stray("GET", url, "path:not in document");
  return cases;
}

/** A signed-in actor; `roomId` is the room it owns, where its cases go. */
type Session = {
  token: string;
  cookie: string;
  handle: string;
  roomId?: string;
};

const sessionOf = (u: TestUser): Session => ({
  token: u.token,
  cookie: u.cookie,
  handle: u.user.handle,
});

/** The headers an auth kind stands for, with `s` as the valid session. */
function authHeaders(kind: AuthKind, s: Session): Record<string, string> {
  const bad = "Bearer fz0bad0token0fz0bad0token0fz0bad0token0fz0";
  const cross = { origin: "http://evil.example" };
  const basic = "Basic dXNlcjpwYXNzd29yZA==";
  const table: Record<AuthKind, Record<string, string>> = {
    "bearer": { authorization: `Bearer ${s.token}` },
    "none": {},
    "bad-bearer": { authorization: bad },
    "empty-bearer": { authorization: "Bearer " },
    "huge-bearer": { authorization: `Bearer ${"A".repeat(12_000)}` },
    "lowercase-bearer": { authorization: `bearer ${s.token}` },
    "basic": { authorization: basic },
    "cookie": { cookie: s.cookie },
    "cookie-cross-origin": { cookie: s.cookie, ...cross },
    "basic-cookie-cross-origin": {
      cookie: s.cookie,
      authorization: basic,
      ...cross,
    },
    "bad-bearer-good-cookie": { authorization: bad, cookie: s.cookie },
    "garbage-cookie": {
      cookie: 'vicinity_session=%zz; vicinity_session=; a="b',
    },
  };
  return table[kind];
}

type Answer = { status: number; type: string; text: string; path: string };

async function send(base: string, c: FuzzCase, s: Session): Promise<Answer> {
  const url = `${base}/api/v1${c.url}`;
  const headers = { ...c.headers, ...authHeaders(c.auth, s) };
  let body = typeof c.body === "function" ? c.body() : c.body;
  // fetch labels a string body text/plain unless told otherwise; bytes go unlabelled.
  if (typeof body === "string" && !("content-type" in headers)) {
    body = new TextEncoder().encode(body);
  }
  const res = await fetch(url, {
    method: c.method,
    headers,
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
    path: new URL(url).pathname,
  };
}

const excerpt = (b: unknown) => {
  const s = b instanceof Uint8Array
    ? `<${b.length} bytes>`
    : typeof b === "function"
    ? "<chunked stream>"
    : String(b ?? "");
  return s.length > 160 ? `${s.slice(0, 160)}…(${s.length} chars)` : s;
};

/** One line per problem: what was sent, what came back. */
function describe(c: FuzzCase, a: Answer | null, problems: string[]): string {
  const answer = a ? `${a.status} ${a.type} ${excerpt(a.text)}` : "no answer";
  return `${problems.join("; ")} — ${c.op} [${c.label}] ${c.method} ${
    excerpt(c.url)
  } auth=${c.auth} headers=${JSON.stringify(c.headers)} body=${
    excerpt(c.body)
  } → ${answer}`;
}

/**
 * Who acts in each phase. A acts on its room, the other owners standing in (in their own
 * rooms) when a per-user limit answers 429;
 * spare acts on its own session and account, and is signed in again (or replaced) when an
 * operation ends them. Renewals come from fresh loopback source addresses, so the per-address
 * sign-in limits the fuzzing itself exercises never starve them.
 */
class Actors {
  renewals = 0;
  rejoins = 0;
  standIns = 0;
  spare: Session;
  #room: Session[];

  constructor(readonly url: string, readonly w: World) {
    this.#room = w.owners.map((o) => ({
      ...sessionOf(o.user),
      roomId: o.roomId,
    }));
    this.spare = sessionOf(w.spare);
  }

  /** The sessions to try a case with, in order: the next is used only on a 429. */
  for(phase: number): Session[] {
    return phase >= SELF ? [this.spare] : this.#room;
  }

  /** After a successful write: keep the actor in the room, and spare signed in. */
  async repair(phase: number, actor: Session): Promise<void> {
    if (phase < SELF) {
      this.rejoins++;
      const res = await api(this.url, `/rooms/${actor.roomId}/join`, {
        token: actor.token,
        body: { ...HERE, accuracy: 10 },
      });
      assert.equal(res.status, 200, `rejoin: ${JSON.stringify(res.body)}`);
      return;
    }
    const me = await api(this.url, "/me", { token: this.spare.token });
    if (me.status !== 200) await this.#renew(false);
  }

  /** Before an operation that ends the session or account: a spare fresh from any limits. */
  async begin(phase: number): Promise<void> {
    if (phase === SELF + 1) await this.#renew(true);
  }

  async #renew(fresh: boolean): Promise<void> {
    if (this.renewals >= MAX_RENEWALS) return;
    this.renewals++;
    const client = await loopbackClient(this.url, this.renewals);
    try {
      const again = fresh
        ? null
        : await logIn(this.url, this.spare.handle, client);
      this.spare = again ?? await signIn(this.url, "/auth/register", {
        handle: `fzs_${this.renewals}_${Date.now().toString(36)}`,
        displayName: "Fuzz Spare",
        password: PASSWORD,
      }, client) ?? this.spare;
    } finally {
      client?.close();
    }
  }
}

/** An HTTP client bound to 127.0.0.(10 + n), or none where only 127.0.0.1 is loopback. */
async function loopbackClient(url: string, n: number) {
  const client = Deno.createHttpClient({ localAddress: `127.0.0.${10 + n}` });
  try {
    await (await fetch(`${url}/api/v1/health`, { client })).body?.cancel();
    return client;
  } catch {
    client.close();
    return undefined;
  }
}

const logLine = (c: FuzzCase, a: Answer) =>
  JSON.stringify({
    op: c.op,
    label: c.label,
    url: excerpt(c.url),
    auth: c.auth,
    body: excerpt(c.body),
    status: a.status,
    type: a.type,
    answer: excerpt(a.text),
  });

type Block = { phase: number; cases: FuzzCase[] };

/** Every case of every operation, in phase order, trimmed evenly to MAX_REQUESTS. */
function planOf(ops: Operation[], w: World): Block[] {
  const rng = mulberry32(SEED);
  const fx = fixturesOf(w);
  const blocks: Block[] = [{ phase: 0, cases: strayCases(ops, w) }];
  for (const op of ops) {
    blocks.push({
      phase: phaseOf(op),
      cases: casesFor(op, fx, rng, RANDOM_PER_OP),
    });
  }
  const total = blocks.reduce((n, b) => n + b.cases.length, 0);
  const keep = Math.min(1, MAX_REQUESTS / total);
  for (const b of blocks) {
    b.cases = b.cases.slice(0, Math.floor(b.cases.length * keep));
  }
  return blocks.sort((x, y) => x.phase - y.phase);
}

type Report = {
  sent: number;
  ops: number;
  statuses: Map<number, number>;
  violations: string[];
  undocumented: Map<string, string>;
  unsent: number;
};

/** Sends one case as `actor` and records the answer and any problem with it. */
async function attempt(
  url: string,
  c: FuzzCase,
  actor: Session,
  r: Report,
  log: string[],
): Promise<Answer | null> {
  let answer: Answer;
  try {
    answer = await send(url, c, actor);
  } catch (err) {
    r.violations.push(describe(c, null, [`request failed: ${err}`]));
    return null;
  }
  r.sent++;
  r.statuses.set(answer.status, (r.statuses.get(answer.status) ?? 0) + 1);
  if (LOG_PATH) log.push(logLine(c, answer));
  const problems = judge(
    c,
    answer.status,
    answer.type,
    answer.text,
    answer.path,
  );
  if (problems.length) r.violations.push(describe(c, answer, problems));
  if (c.operation && !c.operation.responses.has(answer.status)) {
    const key = `${c.op} ${answer.status}`;
    if (!r.undocumented.has(key)) r.undocumented.set(key, c.label);
  }
  return answer;
}

async function fuzz(url: string, ops: Operation[], w: World): Promise<Report> {
  const deadline = performance.now() + TIME_BUDGET_MS;
  const actors = new Actors(url, w);
  const blocks = planOf(ops, w);
  const r: Report = {
    sent: 0,
    ops: ops.length,
    statuses: new Map(),
    violations: [],
    undocumented: new Map(),
    unsent: 0,
  };
  const log: string[] = [];
  for (const { phase, cases } of blocks) {
    await actors.begin(phase);
    for (const c of cases) {
      if (performance.now() > deadline) {
        r.unsent++;
        continue;
      }
      for (const [i, actor] of actors.for(phase).entries()) {
        if (i > 0) actors.standIns++;
        const own = actor.roomId
          ? { ...c, url: c.url.replaceAll(w.roomId, actor.roomId) }
          : c;
        const answer = await attempt(url, own, actor, r, log);
        if (answer && answer.status < 300 && c.method !== "GET") {
          await actors.repair(phase, actor);
        }
        if (answer?.status !== 429) break;
      }
    }
  }
  if (LOG_PATH) await Deno.writeTextFile(LOG_PATH, log.join("\n") + "\n");
  console.log(
    `api fuzz: seed ${SEED}, ${r.sent} requests over ${r.ops} operations ` +
      `(+ stray methods and paths), ${actors.standIns} stand-ins after a 429, ` +
      `${actors.rejoins} rejoins, ${actors.renewals} session renewals; statuses ${
        [...r.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`)
          .join(" ")
      }`,
  );
  if (r.undocumented.size) {
    console.log(
      `api fuzz: statuses the document does not list: ${
        [...r.undocumented].map(([k, label]) => `${k} (e.g. ${label})`).join(
          "; ",
        )
      }`,
    );
  }
  return r;
}

Deno.test("api fuzz - malformed and boundary input to every operation gets a 4xx in the error shape, never a 5xx", async () => {
  const server: TestServer = await startServer({
    VICINITY_MAX_SPEED_KMH: "off",
  });
  const t0 = performance.now();
  let report: Report;
  try {
    const w = await buildWorld(server.url);
    const doc = await api(server.url, "/openapi.json");
    assert.equal(doc.status, 200);
    report = await fuzz(server.url, operationsOf(doc.body), w);
  } catch (err) {
    await server.stop().catch(() => {});
    throw err;
  }
  console.log(`api fuzz: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let stopped: unknown = null;
  const code = await server.stop().catch((err) => (stopped = err, -1));
  const faults = server.output().split("\n").filter((l) =>
    /"level":"error"|Uncaught/.test(l)
  );
  assert.deepEqual(
    report.violations,
    [],
    `${report.violations.length} bad answers:\n${
      report.violations.slice(0, 60).join("\n")
    }\nserver faults:\n${faults.slice(0, 10).join("\n")}`,
  );
  assert.equal(
    report.unsent,
    0,
    `time budget of ${TIME_BUDGET_MS} ms ran out with ${report.unsent} cases unsent`,
  );
  assert.ok(report.sent >= 1_000, `only ${report.sent} requests were sent`);
  if (stopped) throw stopped;
  assert.equal(code, 0);
});

Deno.test("api fuzz - the judge flags a 5xx, a 4xx outside the JSON error shape and a 2xx that is not JSON", () => {
  const operation: Operation = {
    method: "GET",
    path: "/x",
    params: [],
    body: null,
    responses: new Map([[200, true], [204, false]]),
  };
  const c: FuzzCase = {
    op: "GET /x",
    label: "judge",
    method: "GET",
    url: "/x",
    auth: "none",
    headers: {},
    operation,
  };
  const json = "application/json; charset=UTF-8";
  const shaped = '{"error":{"code":"not_found","message":"No"}}';
  const api = "/api/v1/x";
  assert.deepEqual(judge(c, 404, json, shaped, api), []);
  assert.deepEqual(judge(c, 200, json, "{}", api), []);
  assert.deepEqual(judge(c, 204, "", "", api), []);
  assert.deepEqual(judge(c, 404, "text/html", "<p>", "/login"), []);
  for (
    const [status, type, text] of [
      [500, json, '{"error":{"code":"internal","message":"m"}}'],
      [400, "text/plain", "Bad Request"],
      [400, "", ""],
      [404, json, '{"message":"no"}'],
      [422, json, "{"],
      [200, "text/html", "<p>"],
      [200, json, "not json"],
      [302, "", ""],
    ] as const
  ) {
    assert.equal(
      judge(c, status, type, text, api).length,
      1,
      `${status} ${type} ${text}`,
    );
  }
});
