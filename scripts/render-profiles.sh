#!/usr/bin/env bash
# Regenerates profiles/<name>.nix (the atproto.nix each profile renders to) from
# profiles/<name>.toml, and the matching insta snapshots in tests/snapshots/.
# tests/render_profiles.rs and tests/render.rs fail when a committed one is stale.
# Review the result with `git diff profiles tests/snapshots` before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q
for toml in profiles/*.toml; do
  nix="${toml%.toml}.nix"
  cargo run -q -- render --answers "$toml" --file atproto.nix 2>/dev/null >"$nix.tmp" || {
    status=$?
    rm -f "$nix.tmp"
    echo "render-profiles: $toml does not render (exit $status):" >&2
    cargo run -q -- check --answers "$toml" >&2 || true
    exit 1
  }
  mv "$nix.tmp" "$nix"
  echo "wrote $nix"
done
INSTA_UPDATE=always cargo test -q --test integration -- render::profile_snapshots render::largest_plan_snapshot >/dev/null
echo "updated tests/snapshots/render__*.snap"
