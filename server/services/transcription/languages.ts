import { ownValue } from "../../lib/records";

/**
 * The languages Whisper-family providers accept as a hint (ISO 639-1), with English names. Pure data: the
 * transcript viewer's language select imports it too.
 */
export const TRANSCRIPT_LANGUAGES = {
  af: "Afrikaans",
  ar: "Arabic",
  az: "Azerbaijani",
  be: "Belarusian",
  bg: "Bulgarian",
  bs: "Bosnian",
  ca: "Catalan",
  cs: "Czech",
  cy: "Welsh",
  da: "Danish",
  de: "German",
  el: "Greek",
  en: "English",
  es: "Spanish",
  et: "Estonian",
  fa: "Persian",
  fi: "Finnish",
  fr: "French",
  gl: "Galician",
  he: "Hebrew",
  hi: "Hindi",
  hr: "Croatian",
  hu: "Hungarian",
  hy: "Armenian",
  id: "Indonesian",
  is: "Icelandic",
  it: "Italian",
  ja: "Japanese",
  kk: "Kazakh",
  kn: "Kannada",
  ko: "Korean",
  lt: "Lithuanian",
  lv: "Latvian",
  mi: "Maori",
  mk: "Macedonian",
  mr: "Marathi",
  ms: "Malay",
  ne: "Nepali",
  nl: "Dutch",
  no: "Norwegian",
  pl: "Polish",
  pt: "Portuguese",
  ro: "Romanian",
  ru: "Russian",
  sk: "Slovak",
  sl: "Slovenian",
  sr: "Serbian",
  sv: "Swedish",
  sw: "Swahili",
  ta: "Tamil",
  th: "Thai",
  tl: "Tagalog",
  tr: "Turkish",
  uk: "Ukrainian",
  ur: "Urdu",
  vi: "Vietnamese",
  zh: "Chinese",
} as const;

export type TranscriptLanguage = keyof typeof TRANSCRIPT_LANGUAGES;
export const TRANSCRIPT_LANGUAGE_CODES = Object.keys(TRANSCRIPT_LANGUAGES) as TranscriptLanguage[];

const CODE_BY_NAME = new Map(Object.entries(TRANSCRIPT_LANGUAGES).map(([code, name]) => [name.toLowerCase(), code]));

/**
 * Providers report the detected language differently: Workers AI as a code ("en"), OpenAI's verbose_json as a
 * lower-case name ("english"). Both become the code; anything unknown is kept as given, shortened.
 */
export function normalizeLanguage(reported: string | null | undefined): string | null {
  const value = reported?.trim().toLowerCase();
  if (!value) return null;
  if (Object.hasOwn(TRANSCRIPT_LANGUAGES, value)) return value;
  const primary = value.split(/[-_]/)[0];
  if (Object.hasOwn(TRANSCRIPT_LANGUAGES, primary)) return primary;
  return CODE_BY_NAME.get(value) ?? value.slice(0, 35);
}

export function languageName(code: string | null | undefined): string {
  if (!code) return "Not detected";
  return ownValue<string>(TRANSCRIPT_LANGUAGES, code) ?? code;
}
