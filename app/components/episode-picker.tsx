import { Field, SelectField } from "./form";
import { formatCount } from "../lib/campaigns";
import { formatDate } from "../lib/format";

export interface EpisodeChoice {
  id: string;
  title: string;
  showTitle: string;
  episodeNumber: number | null;
  seasonNumber: number | null;
  status: "draft" | "scheduled" | "published";
  publishedAt: Date | string | null;
}

export interface EpisodeChoices {
  showId: string | null;
  query: string;
  matches: EpisodeChoice[];
  total: number;
  selected: EpisodeChoice[];
}

/** The address's part of a search the picker sends: read back by the page's loader. */
export const EPISODE_SEARCH_FIELDS = { show: "episodeShow", query: "episodeQuery", intent: "find-episodes" } as const;
export const EPISODE_QUERY_MAX = 200;

const episodeCount = (n: number) => (n === 1 ? "1 episode" : `${formatCount(n)} episodes`);

/** What the last search found, in one sentence: announced when it changes. */
function summary(choices: EpisodeChoices, showTitle: string | null) {
  const where = `${choices.query ? ` matching “${choices.query}”` : ""}${showTitle ? ` in ${showTitle}` : ""}`;
  if (choices.total === 0) return choices.query ? `No episode${where}.` : `No episodes yet${where}.`;
  if (choices.total <= choices.matches.length) return `${episodeCount(choices.total)}${where}, newest first.`;
  return `The newest ${choices.matches.length} of ${episodeCount(choices.total)}${where}. Search by title or number to find the others.`;
}

function EpisodeBox({ episode, checked }: { episode: EpisodeChoice; checked: boolean }) {
  const number = episode.episodeNumber
    ? `${episode.seasonNumber ? `season ${episode.seasonNumber}, ` : ""}no. ${episode.episodeNumber}`
    : null;
  const state =
    episode.status === "published" && episode.publishedAt
      ? `published ${formatDate(new Date(episode.publishedAt))}`
      : episode.status;
  return (
    <label className="checkbox">
      <input type="checkbox" name="episodeIds" value={episode.id} defaultChecked={checked} />
      <span>
        {episode.title}{" "}
        <span className="cell-sub">{[episode.showTitle, number, state].filter(Boolean).join(" · ")}</span>
      </span>
    </label>
  );
}

/**
 * Single episodes for a flight, in a form that also books whole shows. A network has hundreds of episodes, so the
 * picker lists the newest and searches the rest by title or number. "Find episodes" submits the whole form as a GET
 * back to the page, so it works without JavaScript and loses nothing typed or ticked: ticked episodes travel in the
 * address and come back as chosen. With JavaScript it is the same GET as a client navigation (no full reload), and
 * the result sentence is a status region, so screen readers hear what the search found.
 */
export function EpisodePicker({
  choices,
  shows,
  errors,
}: {
  choices: EpisodeChoices;
  shows: { id: string; title: string }[];
  errors?: string[];
}) {
  const chosen = new Set(choices.selected.map((e) => e.id));
  const others = choices.matches.filter((e) => !chosen.has(e.id));
  const showTitle = shows.find((s) => s.id === choices.showId)?.title ?? null;
  return (
    <fieldset id="flight-episodes" aria-describedby="flight-episodes-hint">
      <legend>Episodes</legend>
      <p id="flight-episodes-hint" className="field-hint">
        Book single episodes instead of, or as well as, whole shows. Ticked episodes stay ticked through every search.
      </p>
      {errors?.length ? <p className="field-error">{errors.join(" ")}</p> : null}
      {choices.selected.length ? (
        <fieldset>
          <legend>Chosen ({choices.selected.length})</legend>
          {choices.selected.map((episode) => (
            <EpisodeBox key={episode.id} episode={episode} checked />
          ))}
        </fieldset>
      ) : null}
      <div className="form-actions">
        <SelectField
          id="flight-episode-show"
          name={EPISODE_SEARCH_FIELDS.show}
          label="Search in"
          defaultValue={choices.showId ?? ""}
        >
          <option value="">Every show</option>
          {shows.map((show) => (
            <option key={show.id} value={show.id}>
              {show.title}
            </option>
          ))}
        </SelectField>
        <Field
          id="flight-episode-query"
          name={EPISODE_SEARCH_FIELDS.query}
          type="search"
          label="Episode title or number"
          maxLength={EPISODE_QUERY_MAX}
          defaultValue={choices.query}
        />
        <button
          type="submit"
          className="button button-secondary"
          name="intent"
          value={EPISODE_SEARCH_FIELDS.intent}
          formMethod="get"
          formAction="#flight-episodes"
          formNoValidate
        >
          Find episodes
        </button>
      </div>
      <p role="status">{summary(choices, showTitle)}</p>
      {others.length ? (
        <div className="stack">
          {others.map((episode) => (
            <EpisodeBox key={episode.id} episode={episode} checked={false} />
          ))}
        </div>
      ) : null}
    </fieldset>
  );
}
