#!/usr/bin/env node
'use strict';
// Runs the compiled CLI when `npm run build` has produced it, the TypeScript source otherwise,
// so `npx refundflow` works in a fresh checkout.
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, '..', 'dist', 'client', 'cli', 'main.js');
if (fs.existsSync(compiled) && !process.env.REFUNDFLOW_FROM_SOURCE) {
  require(compiled);
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'client', 'cli', 'main.ts'));
}
