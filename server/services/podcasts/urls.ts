import { fileExtensionFor } from "./media-refs";

/** Every public address of a show and its episodes, from the app's origin (APP_URL). */
export function podcastUrls(appUrl: string) {
  return {
    feed: (showId: string) => `${appUrl}/feeds/${showId}.xml`,
    showPage: (showId: string) => `${appUrl}/p/${showId}`,
    episodePage: (showId: string, episodeId: string) => `${appUrl}/p/${showId}/${episodeId}`,
    enclosure: (episodeId: string, contentType: string) =>
      `${appUrl}/media/episodes/${episodeId}/audio${fileExtensionFor(contentType)}`,
    artwork: (showId: string, contentType: string) =>
      `${appUrl}/media/shows/${showId}/artwork${fileExtensionFor(contentType)}`,
    transcript: (showId: string, episodeId: string, format: "vtt" | "srt") =>
      `${appUrl}/feeds/${showId}/episodes/${episodeId}/transcript.${format}`,
    chapters: (showId: string, episodeId: string) => `${appUrl}/feeds/${showId}/episodes/${episodeId}/chapters.json`,
  };
}
