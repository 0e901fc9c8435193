import { router } from "../../init";
import { createEpisodeProcedure } from "./create-episode";
import { createShowProcedure } from "./create-show";
import { deleteEpisodeProcedure } from "./delete-episode";
import { deleteShowProcedure } from "./delete-show";
import { getEpisodeProcedure } from "./get-episode";
import { getPublicEpisodeProcedure } from "./get-public-episode";
import { getPublicShowProcedure } from "./get-public-show";
import { getShowProcedure } from "./get-show";
import { listEpisodesProcedure } from "./list-episodes";
import { listMediaChoicesProcedure } from "./list-media-choices";
import { listShowsProcedure } from "./list-shows";
import { updateEpisodeProcedure } from "./update-episode";
import { updateShowProcedure } from "./update-show";

export const podcastsRouter = router({
  listShows: listShowsProcedure,
  getShow: getShowProcedure,
  createShow: createShowProcedure,
  updateShow: updateShowProcedure,
  deleteShow: deleteShowProcedure,
  listEpisodes: listEpisodesProcedure,
  getEpisode: getEpisodeProcedure,
  createEpisode: createEpisodeProcedure,
  updateEpisode: updateEpisodeProcedure,
  deleteEpisode: deleteEpisodeProcedure,
  listMediaChoices: listMediaChoicesProcedure,
  getPublicShow: getPublicShowProcedure,
  getPublicEpisode: getPublicEpisodeProcedure,
});
