import { defineProcedureFuzz } from "../support/fuzz/procedures";

/**
 * The project's own fuzzer (issue 9, item 7), half 1 of the router (tests/support/fuzz/procedures.ts): every
 * procedure, as an anonymous caller and as a workspace owner with content, gets FUZZ_RUNS malformed and
 * near-valid inputs derived from its zod schema. No call may fail with INTERNAL_SERVER_ERROR, show a message a
 * person cannot act on, or fail after writing.
 */
defineProcedureFuzz({ part: 0, of: 2 });
