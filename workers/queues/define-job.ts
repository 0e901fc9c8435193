import type * as z from "zod";
import type { JobContext } from "../job-context";

/** One queue job: an id carried in the message envelope, a payload schema, and an idempotent handler. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  id: string;
  payload: S;
  /** `attempt` starts at 1; handlers may record a final failure when it reaches their limit. */
  handle(payload: z.infer<S>, ctx: JobContext & { attempt: number }): Promise<void>;
}

export const defineJob = <S extends z.ZodType>(job: JobDefinition<S>) => job;
