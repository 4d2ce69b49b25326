#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code between runs (the parser is a 9 MB bundle compiled at every
// start), as ESLint's own entry does; older Node has no such call and compiles as before.
module.enableCompileCache?.();
await import('../dist/src/main.js');
