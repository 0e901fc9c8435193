import { z } from "zod";

/** Shared by procedures and forms so the browser and the server give the same messages. */
export const ZEmail = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.").max(254));
export const ZPassword = z.string().min(10, "Use at least 10 characters.").max(256, "Use at most 256 characters.");
export const ZPersonName = z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters.");
export const ZWorkspaceName = z.string().trim().min(1, "Enter a name.").max(80, "Use at most 80 characters.");
