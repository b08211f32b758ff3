import { fileFlag, outputFlag, parseCommand } from '../args.js';
import { parseOutputFormat, printJson } from '../output.js';
import { readSpecFile } from '../read-spec.js';

export const help = `kfed validate -f FILE [-o json]

Checks a federation spec without contacting any API or Temporal server. Exits 0 when valid;
otherwise prints every problem with its field path and exits 2. -o json prints the normalized
spec (defaults filled in).`;

export function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { ...fileFlag, ...outputFlag }, 0);
  const format = parseOutputFormat(values.output);
  const spec = readSpecFile(values.file);
  if (format === 'json') printJson(spec);
  else console.log(`${values.file ?? ''}: valid — federation ${spec.name}, ${spec.clusters.length} cluster(s) in ${spec.project}, host ${spec.host}`);
  return Promise.resolve();
}
