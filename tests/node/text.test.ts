import { describe, expect, it } from "vitest";
import * as z from "zod";
import { safeRedirect } from "../../app/lib/redirect";
import {
  cleanExternalText,
  cursor,
  formatted,
  isLinkToken,
  isRowId,
  rowId,
  text,
  textProblem,
  token,
} from "../../server/lib/text";
import { describeProcedureError } from "../../server/trpc/error-details";
import { TRPCError } from "@trpc/server";

const messagesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

const HIGH = "\uD83D"; // first half of 😀
const LOW = "\uDE00"; // second half of 😀

describe("text()", () => {
  const title = text("title", { min: 1, max: 10 });

  it("refuses NUL anywhere, naming the field", () => {
    expect(messagesOf(title, "a\u0000b")).toEqual(["Remove the invisible NUL character from the title."]);
    expect(messagesOf(title, "\u0000")).toEqual(["Remove the invisible NUL character from the title."]);
  });

  it("refuses a lone high or low surrogate, and reports only that", () => {
    const damaged = ["Retype the title: it contains a damaged character (half of an emoji or symbol)."];
    expect(messagesOf(title, `ab${HIGH}`)).toEqual(damaged);
    expect(messagesOf(title, `${HIGH}ab`)).toEqual(damaged);
    expect(messagesOf(title, `a${LOW}b`)).toEqual(damaged);
    expect(messagesOf(title, `${LOW}${HIGH}`)).toEqual(damaged);
    expect(messagesOf(title, `${HIGH}${"x".repeat(50)}`)).toEqual(damaged);
  });

  it("accepts astral characters, CJK and combining marks", () => {
    expect(title.parse("😀 播客")).toBe("😀 播客");
    expect(title.parse(`${HIGH}${LOW}`)).toBe("😀");
    expect(title.parse("👩🏽‍💻")).toBe("👩🏽‍💻");
    expect(title.parse("e\u0301")).toBe("e\u0301");
  });

  it("trims by default and keeps whitespace when told", () => {
    expect(title.parse("  Hello  ")).toBe("Hello");
    expect(messagesOf(title, "   ")).toEqual(["Enter the title."]);
    expect(text("caption", { max: 20, trim: false }).parse("  spaced  ")).toBe("  spaced  ");
  });

  it("enforces lengths after trimming, with generated or explicit messages", () => {
    expect(messagesOf(title, "x".repeat(11))).toEqual(["Use at most 10 characters for the title."]);
    expect(title.parse(` ${"x".repeat(10)} `)).toBe("x".repeat(10));
    expect(messagesOf(text("code", { min: 4, max: 1000 }), "abc")).toEqual(["Use at least 4 characters for the code."]);
    expect(messagesOf(text("notes", { max: 1500 }), "x".repeat(1501))).toEqual([
      "Use at most 1,500 characters for the notes.",
    ]);
    expect(messagesOf(text("name", { min: 1, max: 5, empty: "Enter your name.", tooLong: "Too long." }), "")).toEqual([
      "Enter your name.",
    ]);
    expect(
      messagesOf(text("name", { min: 1, max: 5, empty: "Enter your name.", tooLong: "Too long." }), "abcdef"),
    ).toEqual(["Too long."]);
  });

  it("names the field when the value is not text at all", () => {
    expect(messagesOf(title, 42)).toEqual(["Enter the title as text."]);
    expect(messagesOf(title, undefined)).toEqual(["Enter the title as text."]);
  });

  it("keeps refusing NUL after further chaining", () => {
    const chained = text("handle", { max: 30 })
      .regex(/^[a-z\u0000]+$/, "Use lower case letters.")
      .nullable();
    expect(messagesOf(chained, "ab\u0000")).toEqual(["Remove the invisible NUL character from the handle."]);
  });
});

describe("rowId(), token(), cursor(), formatted()", () => {
  it("reports a malformed id like an unknown one, once", () => {
    const showId = rowId("Unknown show.");
    expect(showId.parse("3f1c2a4e-7b5d-4c8e-9a0b-1c2d3e4f5a6b")).toBe("3f1c2a4e-7b5d-4c8e-9a0b-1c2d3e4f5a6b");
    expect(messagesOf(showId, "not-a-uuid")).toEqual(["Unknown show."]);
    expect(messagesOf(showId, "3f1c2a4e-7b5d-4c8e-9a0b-1c2d3e4f5a6\u0000")).toEqual(["Unknown show."]);
    expect(messagesOf(showId, `${HIGH}`)).toEqual(["Unknown show."]);
    expect(messagesOf(showId, 7)).toEqual(["Unknown show."]);
  });

  it("accepts only base64url tokens of the given length", () => {
    const link = token("link", { min: 10, max: 20, invalid: "Broken link." });
    expect(link.parse("abcDEF_123-x")).toBe("abcDEF_123-x");
    for (const bad of [
      "short",
      "x".repeat(21),
      "abcdefghij\u0000",
      "abc def ghij",
      "abcdefghij=",
      `abcdefghij${HIGH}`,
    ]) {
      expect(messagesOf(link, bad)).toEqual(["Broken link."]);
    }
  });

  it("accepts only base64url cursors", () => {
    const page = cursor(40);
    expect(page.parse("eyJhdCI6IjIwMjYifQ")).toBe("eyJhdCI6IjIwMjYifQ");
    expect(page.parse("20")).toBe("20");
    expect(messagesOf(page, "abc\u0000")).toEqual([
      "This page of the list does not exist. Start again from the first page.",
    ]);
    expect(messagesOf(page, "a/b")).toEqual(["This page of the list does not exist. Start again from the first page."]);
  });

  it("checks a fixed shape after the storable check", () => {
    const day = formatted("date", /^\d{4}-\d{2}-\d{2}$/, "Enter a date (YYYY-MM-DD).");
    expect(day.parse(" 2026-03-01 ")).toBe("2026-03-01");
    expect(messagesOf(day, "2026-03-0\u0000")).toEqual(["Remove the invisible NUL character from the date."]);
    expect(messagesOf(day, "March")).toEqual(["Enter a date (YYYY-MM-DD)."]);
  });
});

describe("cleanExternalText()", () => {
  it("strips NUL and replaces lone surrogates, leaving good text alone", () => {
    expect(cleanExternalText("a\u0000b\u0000")).toBe("ab");
    expect(cleanExternalText(`x${HIGH}y${LOW}z`)).toBe("x\uFFFDy\uFFFDz");
    expect(cleanExternalText(`${HIGH}${LOW} 播客`)).toBe("😀 播客");
    expect(cleanExternalText(null)).toBeNull();
    expect(cleanExternalText(undefined)).toBeUndefined();
    const good = "plain text";
    expect(cleanExternalText(good)).toBe(good);
    expect(textProblem(cleanExternalText(`\u0000${LOW}${HIGH}`))).toBeNull();
  });
});

describe("messages for schemas that give none", () => {
  const schema = z.object({
    episodeNumber: z.number(),
    kind: z.enum(["audio", "image"]),
    ids: z.array(z.number()).max(2),
    flags: z.object({ pinned: z.boolean() }),
  });

  it("name the field and say what to do, never zod's English defaults", () => {
    const result = schema.safeParse({ episodeNumber: "7", kind: "video", ids: [1, 2, 3], flags: { pinned: 1 } });
    expect(result.success).toBe(false);
    const messages = z.flattenError(result.error!).fieldErrors;
    expect(messages).toEqual({
      episodeNumber: ["Enter the episode number as a number."],
      kind: ["Choose one of the offered options for the kind."],
      ids: ["Choose at most 2 for the ids."],
      flags: ["Enter the pinned as yes or no."],
    });
    for (const issue of result.error!.issues) expect(issue.message).not.toMatch(/Invalid|expected|received/);
  });

  it("reach the client as field errors, and a root problem as the message", () => {
    const strict = z.strictObject({ title: text("title", { min: 1, max: 5 }) });
    const fieldError = strict.safeParse({ title: "a\u0000" }).error!;
    expect(describeProcedureError(new TRPCError({ code: "BAD_REQUEST", cause: fieldError }))).toEqual({
      message: "Some fields need attention.",
      fieldErrors: { title: ["Remove the invisible NUL character from the title."] },
    });
    const rootError = strict.safeParse({ title: "ok", extra: 1 }).error!;
    expect(describeProcedureError(new TRPCError({ code: "BAD_REQUEST", cause: rootError }))).toEqual({
      message: "Remove the field extra: it is not part of this form.",
      fieldErrors: {},
    });
    const missing = strict.safeParse(undefined).error!;
    expect(describeProcedureError(new TRPCError({ code: "BAD_REQUEST", cause: missing })).message).toBe(
      "Enter the request.",
    );
  });
});

describe("HTTP-side checks", () => {
  it("isRowId and isLinkToken accept what the app issues and nothing Postgres or a header would refuse", () => {
    expect(isRowId("3f1c2a4e-7b5d-4c8e-9a0b-1c2d3e4f5a6b")).toBe(true);
    for (const bad of ["", "3f1c2a4e", "3f1c2a4e-7b5d-4c8e-9a0b-1c2d3e4f5a6\u0000", undefined, 5]) {
      expect(isRowId(bad)).toBe(false);
    }
    expect(isLinkToken("3f1c2a4e-7b5d-4c8e-9a0b-1c2d3e4f5a6b.1767225600.abc_DEF-123")).toBe(true);
    expect(isLinkToken("stateTokenAbc_123")).toBe(true);
    for (const bad of ["", "a..b", "a.b.", "a\u0000b", `a${HIGH}`, "a b", "x".repeat(513), null]) {
      expect(isLinkToken(bad)).toBe(false);
    }
  });

  it("safeRedirect falls back for paths a Location header cannot carry", () => {
    expect(safeRedirect("/w/abc?tab=1")).toBe("/w/abc?tab=1");
    expect(safeRedirect("/w/\u0000")).toBe("/app");
    expect(safeRedirect(`/w/${HIGH}`)).toBe("/app");
    expect(safeRedirect("/w/播客")).toBe("/app");
    expect(safeRedirect("/w/%E6%92%AD")).toBe("/w/%E6%92%AD");
  });
});
