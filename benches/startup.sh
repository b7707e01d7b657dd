#!/usr/bin/env bash
# Start-up of the release binary as whole processes, next to a bare process on the
# same machine, so the difference is the wizard's own:
#   - `check --answers <profile>` and `catalog` should end within 1.5 ms of a bare process;
#   - their peak resident memory is printed below the timings.
# The first frame of `new` needs a terminal, which hyperfine does not give a program:
# `cargo bench --bench startup -- terminal` times it on a pseudo-terminal, next to a
# bare process writing to one, and prints its resident memory.
#
# Usage: benches/startup.sh [profile]   (default: dev-host; run on a quiet machine)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
profile="$root/profiles/${1:-dev-host}.toml"

if ! command -v hyperfine >/dev/null; then
  echo "benches/startup.sh: hyperfine is not installed; it times the processes" >&2
  echo "  (install it: nix shell nixpkgs#hyperfine, or apt-get install hyperfine)" >&2
  exit 2
fi

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/atproto-wizard"
bare=$(command -v true)

# Spawned without a shell (-N), many times, after a warm-up that fills the page cache.
hyperfine -N --warmup 50 --runs 1000 \
  --command-name "bare process ($bare)" "$bare" \
  --command-name "check --answers $(basename "$profile")" "$bin check --answers $profile" \
  --command-name "catalog" "$bin catalog" \
  --command-name "catalog --json" "$bin catalog --json"

# Peak resident memory, from the kernel's count for the finished process.
peak_rss() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1
  else
    echo "?"
  fi
}
echo
echo "Peak resident memory (KiB; /usr/bin/time):"
printf '  %-22s %s\n' "bare process" "$(peak_rss "$bare")"
printf '  %-22s %s\n' "check" "$(peak_rss "$bin" check --answers "$profile")"
printf '  %-22s %s\n' "catalog" "$(peak_rss "$bin" catalog)"
