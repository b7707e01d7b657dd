#!/usr/bin/env bash
# Runs nixlib/lib/validate.nix (through check-dir.nix, one evaluation per directory) over
# the test plans and compares each with its hand-written <name>.expected.json.
#   plans/          against the real catalog (nixlib/catalog)
#   fixture-plans/  against the real _plan.toml plus the fixture services in catalog/
#   migration-plans/   against the real _plan.toml plus the test service in migration-catalog/
#   unreadable-plans/  files builtins.fromTOML must refuse outright
# Exits non-zero on any mismatch and prints a diff per mismatching plan.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib=$(cd "$here/../lib" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check DIR [nix-instantiate args...]: evaluates every DIR/*.toml, compares, reports.
check() {
  local dir=$1
  shift
  nix-instantiate --eval --strict --json "$lib/check-dir.nix" --argstr dir "$dir" "$@" \
    >"$tmp/actual.json"
  python3 - "$dir" "$tmp/actual.json" <<'PY'
import difflib, json, os, sys
plans, actual_file = sys.argv[1], sys.argv[2]
actual = json.load(open(actual_file))
failed = 0
for name in sorted(actual):
    base = name[:-len(".toml")]
    expected_file = os.path.join(plans, base + ".expected.json")
    got = json.dumps(actual[name], indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    if not os.path.exists(expected_file):
        print(f"MISSING {expected_file}; the validator says:")
        print("\n".join(got))
        failed += 1
        continue
    want = json.dumps(json.load(open(expected_file)), indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    if got == want:
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}")
        for line in difflib.unified_diff(want, got, base + ".expected.json", name + " (validate.nix)", lineterm=""):
            print("  " + line)
sys.exit(1 if failed else 0)
PY
}

status=0

check "$here/plans" || status=1

# The fixture catalog: the real _plan.toml beside the fixture services.
mkdir "$tmp/catalog"
cp "$lib/../catalog/_plan.toml" "$here"/catalog/*.toml "$tmp/catalog/"
check "$here/fixture-plans" --arg catalog "import $lib/catalog.nix { dir = $tmp/catalog; }" || status=1

# Old setting keys (renamed_from, [[removed]]): the real _plan.toml beside a test-only
# service that has them.
mkdir "$tmp/migration-catalog"
cp "$lib/../catalog/_plan.toml" "$here"/migration-catalog/*.toml "$tmp/migration-catalog/"
check "$here/migration-plans" --arg catalog "import $lib/catalog.nix { dir = $tmp/migration-catalog; }" || status=1

# Files Nix cannot read at all (TOML dates and times): builtins.fromTOML must refuse
# each, as the wizard does (tests/parity.rs checks its side).
for plan in "$here"/unreadable-plans/*.toml; do
  if nix-instantiate --eval --strict -E "builtins.fromTOML (builtins.readFile \"$plan\")" \
    >/dev/null 2>"$tmp/unreadable.err"; then
    echo "FAIL $(basename "$plan"): Nix read it"
    status=1
  else
    echo "ok   $(basename "$plan") (unreadable: $(grep -o 'Dates and times are not supported' "$tmp/unreadable.err" || head -1 "$tmp/unreadable.err"))"
  fi
done

# Every profile must evaluate without errors; its warnings are printed.
shopt -s nullglob
profiles=("$lib"/../../profiles/*.toml)
if ((${#profiles[@]})); then
  mkdir "$tmp/profiles"
  cp "${profiles[@]}" "$tmp/profiles/"
  if nix-instantiate --eval --strict --json "$lib/check-dir.nix" --argstr dir "$tmp/profiles" \
    >"$tmp/profiles.json"; then
    python3 - "$tmp/profiles.json" <<'PY' || status=1
import json, sys
errors = 0
for name, diags in sorted(json.load(open(sys.argv[1])).items()):
    print(f"profile {name}: {len(diags)} diagnostic(s)")
    for d in diags:
        errors += d["level"] == "error"
        print(f"  {d['level']} {d['code']} {d['path']}: {d['message']}")
if errors:
    print(f"FAIL profiles have {errors} error(s)")
sys.exit(1 if errors else 0)
PY
  else
    echo "FAIL profiles did not evaluate"
    status=1
  fi
fi

exit $status
