import { describe, expect, it, vi } from "vitest";
import { actionError, throwLoaderError } from "../../app/lib/errors.server";
import { appRouter } from "../../server/trpc/router";
import { getErrorShape, TRPCError } from "@trpc/server";
import * as z from "zod";
import { AppError } from "../../server/lib/errors";
import { appConfigFromEnv } from "../../server/env";
import { testEnv } from "../support/trpc";

/** The shape the client receives, produced by the router's own error formatter. */
function shapeOf(error: TRPCError, environment = "test", withContext = true) {
  const config = appConfigFromEnv(testEnv({ ENVIRONMENT: environment }).env);
  return getErrorShape({
    config: appRouter._def._config,
    error,
    type: "mutation",
    path: "auth.signUp",
    input: undefined,
    ctx: withContext ? ({ config } as never) : undefined,
  });
}

describe("error formatting", () => {
  it("flattens zod errors per field with a general message", () => {
    const parsed = z
      .object({ email: z.email("Enter a valid email address."), name: z.string().min(1, "Enter your name.") })
      .safeParse({ email: "x", name: "" });
    const shape = shapeOf(new TRPCError({ code: "BAD_REQUEST", cause: parsed.error }));
    expect(shape.message).toBe("Some fields need attention.");
    expect(shape.data.fieldErrors).toEqual({ email: ["Enter a valid email address."], name: ["Enter your name."] });
  });

  it("carries an AppError's field errors and message", () => {
    const cause = new AppError("CONFLICT", "Taken.", { fieldErrors: { email: ["Already used."] } });
    const shape = shapeOf(new TRPCError({ code: "CONFLICT", message: cause.message, cause }));
    expect(shape.message).toBe("Taken.");
    expect(shape.data).toMatchObject({ code: "CONFLICT", httpStatus: 409, fieldErrors: { email: ["Already used."] } });
  });

  it("hides internal error messages in production but not in development", () => {
    const error = new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "connection string postgres://secret" });
    expect(shapeOf(error, "production").message).toBe("Something went wrong on our side.");
    expect(shapeOf(error, "development").message).toContain("connection string");
    expect(JSON.stringify(shapeOf(error, "production"))).not.toContain("secret");
  });

  it("hides an output that failed its schema, field errors included, outside development and test", () => {
    const parsed = z.object({ secretColumn: z.string() }).safeParse({ secretColumn: 42 });
    const error = new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: "Output validation failed",
      cause: parsed.error,
    });
    const shape = shapeOf(error, "production");
    expect(shape.message).toBe("Something went wrong on our side.");
    expect(shape.data.fieldErrors).toBeNull();
    expect(JSON.stringify(shape)).not.toContain("secretColumn");
  });

  it("Remix loaders and actions never show an internal error's text, and log it instead", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const error = new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: 'relation "users" violates constraint' });
    const form = actionError(error);
    expect(form.init?.status).toBe(500);
    expect(form.data).toEqual({ formError: "Something went wrong on our side.", fieldErrors: {} });
    const thrown = await Promise.resolve()
      .then(() => throwLoaderError(error, new Request("http://localhost/w/x")))
      .catch((response: unknown) => response as Response);
    expect(thrown.status).toBe(500);
    expect(await thrown.text()).toBe("Something went wrong on our side.");
    expect(logged.mock.calls.join("\n")).toContain("violates constraint");
    logged.mockRestore();
  });

  it("hides internal error messages when the context could not be built", () => {
    const error = new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "connection string postgres://secret" });
    expect(shapeOf(error, "development", false).message).toBe("Something went wrong on our side.");
  });
});
