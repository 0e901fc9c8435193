import { expect } from "vitest";
import { send } from "./http";

/** What one request cost on the database hop, read from the headers the app sets outside production. */
export interface RoundTrips {
  waves: number;
  setups: number;
}

export interface Measured extends RoundTrips {
  label: string;
  status: number;
  queries: number;
}

async function measure(label: string, response: Promise<Response>): Promise<Measured> {
  const res = await response;
  await res.arrayBuffer();
  const header = (name: string) => {
    const value = res.headers.get(name);
    if (value === null) throw new Error(`${label}: the response has no ${name} header`);
    return Number(value);
  };
  return {
    label,
    status: res.status,
    queries: header("x-greenroom-db-queries"),
    waves: header("x-greenroom-db-waves"),
    setups: header("x-greenroom-db-setups"),
  };
}

/** GET a page (signed in when `cookie` is given). */
export const page = (path: string, cookie?: string) =>
  measure(`GET ${path}`, send(path, { headers: cookie ? { cookie } : {} }));

/** A tRPC query over HTTP, as the browser's client sends it. */
export const trpcQuery = (path: string, input: unknown, cookie?: string) => {
  const encoded = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return measure(`query ${path}`, send(`/api/trpc/${path}${encoded}`, { headers: cookie ? { cookie } : {} }));
};

/**
 * The one-line budget check: sequential database waves and connection setups of one request, at most the budget
 * (a change that adds one fails). Counts, never time (ADR 016). Chains running side by side can be counted one
 * wave high when their answers interleave (db/round-trips.ts overcounts, never undercounts), so budgets are
 * ceilings, not exact figures.
 *
 *   await expectRoundTrips(page(`/w/${id}/shows`, cookie), { waves: 2, setups: 0 });
 */
export async function expectRoundTrips(
  request: Promise<Measured>,
  budget: RoundTrips & { status?: number },
): Promise<Measured> {
  const measured = await request;
  const what = `${measured.label} (${measured.queries} queries, ${measured.waves} waves, ${measured.setups} setups)`;
  expect(measured.status, what).toBe(budget.status ?? 200);
  expect(measured.waves, `${what}: waves`).toBeLessThanOrEqual(budget.waves);
  expect(measured.setups, `${what}: connection setups`).toBeLessThanOrEqual(budget.setups);
  return measured;
}
