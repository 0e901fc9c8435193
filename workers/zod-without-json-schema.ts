/**
 * What zod's classic schemas get for its JSON Schema output (`../core/json-schema-processors.js` and
 * `../core/to-json-schema.js`, wrangler.toml [alias]; ~4 KiB gzipped). zod 4 gives every schema class a
 * `processJSONSchema` closure naming these processors, so esbuild keeps them all although only `toJSONSchema()`
 * and Standard Schema's `jsonSchema` ever call them, and nothing in the Worker does: tRPC validates with
 * `parse`/`parseAsync`. Each is a function that throws, naming this file; `aggregateChecks`, which the string,
 * number and date schemas' `minLength`/`maxValue`-style getters read, stays zod's own. Producing JSON Schema in the
 * Worker means deleting these aliases. Node's tests use zod whole; the Worker's parse every tRPC input and output
 * through these classes.
 */
export { aggregateChecks } from "../node_modules/zod/v4/core/json-schema-processors.js";

function notInTheWorker(): never {
  throw new Error("zod's JSON Schema output is not in the Worker's build (workers/zod-without-json-schema.ts)");
}

/** Called when a schema's Standard Schema `jsonSchema` is read: the method it makes throws when called. */
export const createStandardJSONSchemaMethod = () => notInTheWorker;
export const createToJSONSchemaMethod = () => notInTheWorker;

export {
  notInTheWorker as anyProcessor,
  notInTheWorker as arrayProcessor,
  notInTheWorker as bigintProcessor,
  notInTheWorker as booleanProcessor,
  notInTheWorker as catchProcessor,
  notInTheWorker as customProcessor,
  notInTheWorker as dateProcessor,
  notInTheWorker as defaultProcessor,
  notInTheWorker as enumProcessor,
  notInTheWorker as fileProcessor,
  notInTheWorker as functionProcessor,
  notInTheWorker as intersectionProcessor,
  notInTheWorker as lazyProcessor,
  notInTheWorker as literalProcessor,
  notInTheWorker as mapProcessor,
  notInTheWorker as nanProcessor,
  notInTheWorker as neverProcessor,
  notInTheWorker as nonoptionalProcessor,
  notInTheWorker as nullProcessor,
  notInTheWorker as nullableProcessor,
  notInTheWorker as numberProcessor,
  notInTheWorker as objectProcessor,
  notInTheWorker as optionalProcessor,
  notInTheWorker as pipeProcessor,
  notInTheWorker as prefaultProcessor,
  notInTheWorker as promiseProcessor,
  notInTheWorker as readonlyProcessor,
  notInTheWorker as recordProcessor,
  notInTheWorker as setProcessor,
  notInTheWorker as stringProcessor,
  notInTheWorker as successProcessor,
  notInTheWorker as symbolProcessor,
  notInTheWorker as templateLiteralProcessor,
  notInTheWorker as toJSONSchema,
  notInTheWorker as transformProcessor,
  notInTheWorker as tupleProcessor,
  notInTheWorker as undefinedProcessor,
  notInTheWorker as unionProcessor,
  notInTheWorker as unknownProcessor,
  notInTheWorker as voidProcessor,
};
