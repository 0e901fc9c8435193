import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { AppError } from "../../lib/errors";

/**
 * Highlight markers for ts_headline: private-use characters, removed from the searched text first, so a
 * snippet splits into plain and highlighted parts without ever treating the user's text as markup.
 */
const START = "\uE000";
const STOP = "\uE001";
// One passage around the matches; fragment mode (MaxFragments) would drop punctuation and numbers from the text.
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=15, ShortWord=2`;

/** Offsets past this are refused: deep pages of a ranked search are cheaper to reach by refining the query. */
export const MAX_SEARCH_OFFSET = 500;

export type SnippetPart = { text: string; highlight: boolean };

export interface SearchHit {
  kind: "segment" | "episode";
  id: string;
  rank: number;
  /** The episode (or, for a transcript without one, the transcript) the hit belongs to; hits of a group are adjacent. */
  groupKey: string;
  /** How many hits the whole group has, on this page and others. */
  groupHits: number;
  snippet: SnippetPart[];
  transcriptId: string | null;
  mediaId: string | null;
  mediaFilename: string | null;
  startMs: number | null;
  endMs: number | null;
  speaker: string | null;
  episodeId: string | null;
  episodeTitle: string | null;
  showId: string | null;
  showTitle: string | null;
}

interface Row {
  kind: "segment" | "episode";
  id: string;
  rank: number | string;
  group_key: string;
  group_hits: number | string;
  headline: string;
  transcript_id: string | null;
  media_id: string | null;
  media_filename: string | null;
  start_ms: number | null;
  end_ms: number | null;
  speaker: string | null;
  episode_id: string | null;
  episode_title: string | null;
  show_id: string | null;
  show_title: string | null;
}

export function decodeSearchCursor(cursor: string | null | undefined) {
  if (!cursor) return 0;
  const offset = Number(cursor);
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_SEARCH_OFFSET) {
    throw new AppError("BAD_REQUEST", "This page of results does not exist. Search again from the first page.");
  }
  return offset;
}

/** "a\uE000b\uE001c" -> [{a}, {b, highlight}, {c}]. */
export function splitHeadline(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const [lead, ...marked] = headline.split(START);
  if (lead) parts.push({ text: lead, highlight: false });
  for (const chunk of marked) {
    const [highlighted, ...rest] = chunk.split(STOP);
    if (highlighted) parts.push({ text: highlighted, highlight: true });
    if (rest.join("")) parts.push({ text: rest.join(""), highlight: false });
  }
  return parts;
}

/**
 * Full-text search over the workspace's transcript segments and episodes (title + show notes), ranked together
 * by ts_rank and grouped per episode (or per transcript without an episode) with each group's hit count. Hits are chosen and ordered first (GIN indexes, no snippet work), then only the page's rows get
 * their titles joined and ts_headline snippets: one statement, however many hits.
 */
export async function searchWorkspace(opts: {
  db: DbOrTx;
  workspaceId: string;
  query: string;
  limit: number;
  cursor?: string | null;
}) {
  const offset = decodeSearchCursor(opts.cursor);
  const ws = opts.workspaceId;
  // Both drivers (Neon's and PGlite) answer a raw statement with { rows }.
  const { rows } = (await opts.db.execute(sql`
    with q as (select websearch_to_tsquery('simple', ${opts.query}) as query),
    -- A segment belongs with its episode when its transcript has one, else with its transcript; an episode's own
    -- hit is in its episode's group. Groups are ordered by their best hit, so each group's hits are adjacent.
    matches as (
      select 'segment'::text as kind, s.id, ts_rank(s.search, q.query) as rank,
          coalesce('e:' || t.episode_id::text, 't:' || t.id::text) as group_key
        from transcript_segments s
        cross join q
        join transcripts t on t.id = s.transcript_id and t.workspace_id = ${ws}
        where s.workspace_id = ${ws} and s.search @@ q.query
      union all
      select 'episode'::text, e.id, ts_rank(e.search, q.query), 'e:' || e.id::text
        from episodes e, q
        where e.workspace_id = ${ws} and e.search @@ q.query
    ),
    hits as (
      select kind, id, rank, group_key,
          count(*) over (partition by group_key) as group_hits,
          max(rank) over (partition by group_key) as group_rank
        from matches
      order by group_rank desc, group_key, (kind = 'episode') desc, rank desc, id
      limit ${opts.limit + 1} offset ${offset}
    )
    select hits.kind, hits.id, hits.rank, hits.group_key, hits.group_hits,
      case when hits.kind = 'segment'
        then ts_headline('simple', translate(s.text, ${START + STOP}, ''), q.query, ${HEADLINE_OPTIONS})
        else ts_headline('simple', translate(e.title || ' — ' || e.description, ${START + STOP}, ''), q.query, ${HEADLINE_OPTIONS})
      end as headline,
      s.transcript_id, t.media_id, m.filename as media_filename, s.start_ms, s.end_ms, s.speaker,
      e.id as episode_id, e.title as episode_title, sh.id as show_id, sh.title as show_title
    from hits
    cross join q
    left join transcript_segments s on hits.kind = 'segment' and s.id = hits.id and s.workspace_id = ${ws}
    left join transcripts t on t.id = s.transcript_id and t.workspace_id = ${ws}
    left join media_objects m on m.id = t.media_id and m.workspace_id = ${ws}
    left join episodes e on e.id = (case when hits.kind = 'episode' then hits.id else t.episode_id end) and e.workspace_id = ${ws}
    left join shows sh on sh.id = e.show_id and sh.workspace_id = ${ws}
    order by hits.group_rank desc, hits.group_key, (hits.kind = 'episode') desc, hits.rank desc, hits.id
  `)) as unknown as { rows: Row[] };
  const items: SearchHit[] = rows.slice(0, opts.limit).map((row) => ({
    kind: row.kind,
    id: row.id,
    rank: Number(row.rank),
    groupKey: row.group_key,
    groupHits: Number(row.group_hits),
    snippet: splitHeadline(row.headline ?? ""),
    transcriptId: row.transcript_id,
    mediaId: row.media_id,
    mediaFilename: row.media_filename,
    startMs: row.start_ms === null ? null : Number(row.start_ms),
    endMs: row.end_ms === null ? null : Number(row.end_ms),
    speaker: row.speaker,
    episodeId: row.episode_id,
    episodeTitle: row.episode_title,
    showId: row.show_id,
    showTitle: row.show_title,
  }));
  const next = offset + opts.limit;
  return { items, nextCursor: rows.length > opts.limit && next <= MAX_SEARCH_OFFSET ? String(next) : null };
}
