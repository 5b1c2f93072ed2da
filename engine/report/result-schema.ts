// Checks a results.json against engine/report/result.schema.json (JSON Schema 2020-12, with ajv):
// the tests run every scenario's output through it, so the record stays one documented shape, and
// `npm run report` every run it reads.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import { projectPath } from '../runtime/project.js';

// Read from the project folder: dist/ holds the compiled module but not the schema beside it.
const schema = JSON.parse(fs.readFileSync(projectPath('engine', 'report', 'result.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020.default({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** The schema's complaints about a results.json (empty when it conforms), each naming the field. */
export function schemaErrors(run: unknown): string[] {
  if (validate(run)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''}`);
}

const validateRecord = ajv.getSchema(`${(schema as { $id: string }).$id}#/$defs/record`)!;

/** The same for records alone (a scenario's output before the runner wraps it), each error naming the record. */
export function recordErrors(records: unknown[]): string[] {
  return records.flatMap((r, i) => (validateRecord(r) ? [] : (validateRecord.errors ?? []).map((e) => `/records/${i}${e.instancePath} ${e.message ?? 'is invalid'}`)));
}
