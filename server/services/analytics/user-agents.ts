import { bundledLists } from "./user-agents/bundled";

/** The opawg/user-agents-v2 commit the lists in ./user-agents/ were copied from (see the README there). */
export const LISTS_VERSION = "opawg/user-agents-v2@8008a31";

/** Apple Watch requests duplicate the paired iPhone's download (IAB v2.2); the bots list names them thus. */
const APPLE_WATCH_ENTRY = "Apple Podcasts (Watch)";

interface Entry {
  name: string;
  pattern: string;
  category?: string;
}

export type AgentKind = "bot" | "apple_watch" | "listener";

export interface AgentClass {
  kind: AgentKind;
  /** The app, library or browser that matched; "Unknown" when none did. */
  app: string;
  /** The device from the devices list, e.g. "Apple iPhone"; "Unknown" when none matched. */
  platform: string;
}

const LIST_NAMES = ["apps", "bots", "browsers", "devices", "libraries"] as const;
export type UserAgentLists = Record<(typeof LIST_NAMES)[number], { entries: Entry[] }>;

/** Where the build copies the lists among the static assets (scripts/user-agent-lists.ts). */
export const USER_AGENT_LISTS_PATH = "/analytics/user-agents";

/**
 * Node has the lists as modules; the Worker leaves them out of its bundle (~16 KiB gzipped, ADR 017) and the
 * rollup cron loads them from the static assets before it counts.
 */
let raw: UserAgentLists | null = bundledLists;

/** Reads `<name>.json` from the static assets, once per isolate; a no-op where the lists are bundled. */
export async function loadUserAgentLists(assets: Fetcher | undefined) {
  if (raw) return;
  if (!assets)
    throw new Error("The ASSETS binding (static assets) is missing; the user-agent lists are served from it.");
  const read = async (name: string) => {
    const response = await assets.fetch(`https://assets.invalid${USER_AGENT_LISTS_PATH}/${name}.json`);
    if (!response.ok) throw new Error(`User-agent list ${name} answered ${response.status}; run npm run build.`);
    return (await response.json()) as { entries: Entry[] };
  };
  const [apps, bots, browsers, devices, libraries] = await Promise.all(LIST_NAMES.map(read));
  raw = { apps, bots, browsers, devices, libraries };
}

type Compiled = { name: string; category?: string; regex: RegExp }[];

let compiled: { bots: Compiled; apps: Compiled; libraries: Compiled; browsers: Compiled; devices: Compiled } | null =
  null;

/** Compiled on first use, not at module load: the Worker's start-up CPU is budgeted (ADR 017). */
function lists() {
  if (!raw) throw new Error("The user-agent lists are not loaded: call loadUserAgentLists first.");
  const compile = (file: { entries: Entry[] }): Compiled =>
    file.entries.map((e) => ({ name: e.name, category: e.category, regex: new RegExp(e.pattern) }));
  compiled ??= {
    bots: compile(raw.bots),
    apps: compile(raw.apps),
    libraries: compile(raw.libraries),
    browsers: compile(raw.browsers),
    devices: compile(raw.devices),
  };
  return compiled;
}

const firstMatch = (list: Compiled, userAgent: string) => list.find((e) => e.regex.test(userAgent));

/** A day has a few thousand distinct agents and many requests each; ~900 regexes per request would dominate. */
const MAX_CACHED_AGENTS = 20_000;
const cache = new Map<string, AgentClass>();

export function classifyUserAgent(userAgent: string): AgentClass {
  const cached = cache.get(userAgent);
  if (cached) return cached;
  if (cache.size >= MAX_CACHED_AGENTS) cache.clear();
  const result = classifyUncached(userAgent);
  cache.set(userAgent, result);
  return result;
}

/** The lists' own order: bots, apps, libraries, browsers; first match in file order wins. */
function classifyUncached(userAgent: string): AgentClass {
  const l = lists();
  const platform = firstMatch(l.devices, userAgent)?.name ?? "Unknown";
  const bot = firstMatch(l.bots, userAgent);
  if (bot) return { kind: bot.name === APPLE_WATCH_ENTRY ? "apple_watch" : "bot", app: bot.name, platform };
  const app = firstMatch(l.apps, userAgent);
  if (app) return { kind: "listener", app: app.name, platform };
  const library = firstMatch(l.libraries, userAgent);
  if (library) return { kind: library.category === "bot" ? "bot" : "listener", app: library.name, platform };
  // An empty agent is not a listener's app: every podcast player and browser sends one.
  if (userAgent.trim() === "") return { kind: "bot", app: "No user agent", platform };
  return { kind: "listener", app: firstMatch(l.browsers, userAgent)?.name ?? "Unknown", platform };
}
