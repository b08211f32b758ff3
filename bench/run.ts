/**
 * `npm run bench [-- --quick | --only P1,P3 | --render]`: the benchmarks. Full runs write
 * bench/results.json, bench/README.md and bench/secrets-scan.json (read by the fault suite's
 * credential figure); --quick writes bench/results.quick.json only. --only runs some groups
 * (P1 = P1+P7, P2, P3 = P3+P4, P5, P6, P9 = P9+P9_idle_changes) and merges them into the
 * existing results; --render only rewrites README.md from results.json.
 */
import { exitWhenDone, runSuite } from '../suite/cli.js';
import { log } from '../suite/log.js';
import { benchSuite } from './suite.js';

exitWhenDone(runSuite(benchSuite, process.argv.slice(2), log));
