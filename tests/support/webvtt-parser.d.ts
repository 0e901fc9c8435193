/** The W3C WebVTT validator's parser (no bundled types): only what the export tests use. */
declare module "webvtt-parser" {
  export interface WebVTTCue {
    id: string;
    startTime: number;
    endTime: number;
    text: string;
    tree: {
      children: Array<{
        type: string;
        name?: string;
        value?: string;
        children?: Array<{ type: string; value?: string }>;
      }>;
    };
  }
  export class WebVTTParser {
    constructor(entities?: Record<string, string>);
    parse(
      input: string,
      mode?: "metadata" | "chapters",
    ): { cues: WebVTTCue[]; errors: { message: string; line: number; col: number }[] };
  }
}
