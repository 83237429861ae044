import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  importSupervisord,
  SupervisordImportError,
} from '../core/supervisor/supervisord-import.js';
import { fail } from './common.js';

export function importSupervisordCommand(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { output: { type: 'string', short: 'o' } },
    allowPositionals: true,
    strict: true,
  });
  const conf = positionals[0];
  if (!conf || positionals.length > 1) fail('usage: import-supervisord <conf> [-o fleet.toml]', 2);
  let text: string;
  try {
    text = readFileSync(conf, 'utf8');
  } catch (err) {
    fail(`cannot read ${conf}: ${(err as Error).message}`);
  }
  let result;
  try {
    result = importSupervisord(text, conf);
  } catch (err) {
    if (err instanceof SupervisordImportError || (err as Error).name === 'FleetError')
      fail((err as Error).message);
    throw err;
  }
  if (values.output) {
    writeFileSync(values.output, result.toml);
    process.stderr.write(
      `wrote ${values.output}: ${result.programs.length} programs, ${result.groups.length} groups\n`,
    );
  } else process.stdout.write(result.toml);
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
}
