# Sourced by the scripts that build the tests' tools (k8s-control-plane.sh, k8s-real-node.sh).
# cached: true when every binary of $BINARIES is in $BIN_DIR (built aside and renamed in, so whole).
cached() {
  local b
  for b in "${BINARIES[@]}"; do
    [ -x "$BIN_DIR/$b" ] || return 1
  done
}

# run LOGNAME CMD...: runs CMD with its output in $LOG_DIR/LOGNAME.log, says how long it took (prefixed
# with $STEP_PREFIX) on stderr; on failure prints the log's tail and exits 1.
run() {
  local name="$1"
  shift
  local log="$LOG_DIR/$name.log"
  local start=$SECONDS
  printf '%s: %s ... ' "$STEP_PREFIX" "$name" >&2
  if "$@" >"$log" 2>&1; then
    printf 'done in %ss\n' "$((SECONDS - start))" >&2
  else
    printf 'FAILED after %ss\n' "$((SECONDS - start))" >&2
    echo "---- last 60 lines of $log ----" >&2
    tail -n 60 "$log" >&2
    echo "---- end of $log ----" >&2
    exit 1
  fi
}
