#!/usr/bin/env node
// Prints vitest's JSON results as one closing line: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2];
if (!file || !existsSync(file)) {
	console.log("0 passed, 1 failed (no test results were written)");
	process.exit(1);
}
const r = JSON.parse(readFileSync(file, "utf8"));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
