# Golden-file helpers for the script tests: compare output byte for byte, or rewrite the golden
# files when TARE_GOLDEN_UPDATE=1 (then review the diff in git like any other change).
export LC_ALL=C

# golden_check EXPECTED_FILE ACTUAL_FILE: returns 0 when equal (or after updating), prints a diff.
golden_check() {
  if [ "${TARE_GOLDEN_UPDATE:-0}" = 1 ]; then
    cp "$2" "$1"
    return 0
  fi
  if ! diff -u "$1" "$2"; then
    echo "golden mismatch: $1 (rerun with TARE_GOLDEN_UPDATE=1 to accept)" >&2
    return 1
  fi
}
