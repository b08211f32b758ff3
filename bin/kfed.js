#!/usr/bin/env node
// The installed `kfed` command: runs the TypeScript sources through tsx (a runtime dependency),
// so a fresh `npm ci` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
