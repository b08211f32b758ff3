/**
 * `npm run chaos [-- --quick | --only R1,R4 | --render]`: the fault suite. Full runs write
 * chaos/results.json, chaos/README.md and chaos/secrets-scan.json; --quick writes
 * chaos/results.quick.json only. The credential figure adds the benchmarks' scan from
 * bench/secrets-scan.json: when the benchmarks finish later, `--only R6` recomputes it from both
 * scan files.
 */
import { exitWhenDone, runSuite } from '../suite/cli.js';
import { log } from '../suite/log.js';
import { chaosSuite } from './suite.js';

exitWhenDone(runSuite(chaosSuite, process.argv.slice(2), log));
