#!/usr/bin/env bash
# atproto-diagnostics: one report of this host's AT Protocol services, to paste into a
# bug report: versions, unit states, health endpoints, recent journal lines and the
# evaluated non-secret configuration.
#
# Usage: atproto-diagnostics [--lines N] > report.txt
#   --lines N   journal lines per service (default 50)
# Run it as root: the journal and the secrets it redacts are root-only.
#
# What the host enabled comes from files the NixOS module writes into the Nix store:
#   ATPROTO_DIAGNOSTICS_SERVICES      one line per enabled service, tab-separated: id,
#                                     unit, package, health URL (or -), and
#                                     comma-separated: state directories, environment
#                                     files, other units (a companion, the secrets
#                                     oneshot); "-" where there is none
#   ATPROTO_DIAGNOSTICS_CONFIG        JSON of the enabled services' non-secret settings
#   ATPROTO_DIAGNOSTICS_SECRET_NAMES  the variables that hold secrets, one a line
#
# Nothing secret may reach the report, whatever a program logged: every line goes
# through redact() on its way out. It blanks the value after any secret variable's
# name and after any name that says password, secret, token or key (as NAME=value,
# "name": "value" or name: value), Bearer and Basic credentials, user:password@ in
# URLs, JWTs and long hex strings (private keys); it also blanks, anywhere, the values
# the secret variables hold in this environment and in the services' environment
# files. Control characters are shown as "?".
set -euo pipefail

lines=50

usage() {
  echo "usage: atproto-diagnostics [--lines N] > report.txt"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --lines)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      lines=$2
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "atproto-diagnostics: unknown argument: $1" >&2
      usage >&2
      exit 2
      ;;
  esac
done
case "$lines" in
  '' | *[!0-9]*)
    echo "atproto-diagnostics: --lines takes a number, not: $lines" >&2
    exit 2
    ;;
esac

services_file=${ATPROTO_DIAGNOSTICS_SERVICES:-}
config_file=${ATPROTO_DIAGNOSTICS_CONFIG:-}
names_file=${ATPROTO_DIAGNOSTICS_SECRET_NAMES:-}
for f in "$services_file" "$config_file" "$names_file"; do
  if [ -z "$f" ] || [ ! -r "$f" ]; then
    echo "atproto-diagnostics: run the command the NixOS module installs (its data files are not set or not readable)" >&2
    exit 1
  fi
done

# --- what to redact -------------------------------------------------------------

names=()
while IFS= read -r name || [ -n "$name" ]; do
  # Only plain variable names: each becomes part of a regular expression.
  if [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    names+=("$name")
  fi
done <"$names_file"

secret_words='password|passwd|secret|token|api_?key|key_hex|private_key|signing_key'
if [ ${#names[@]} -gt 0 ]; then
  secret_words="$secret_words|$(IFS='|'; echo "${names[*]}")"
fi
key="[A-Za-z0-9_.-]*($secret_words)[A-Za-z0-9_.-]*"
is_secret_name() {
  [[ "${1,,}" =~ ^${key,,}$ ]]
}

# Secret values known on this host: blanked wherever they appear, even without a name.
values=()
remember() {
  # Short values (true, 1, a port) would blank ordinary text.
  if [ "${#1}" -ge 6 ]; then
    values+=("$1")
  fi
}
for name in "${names[@]}"; do
  remember "${!name:-}"
done
read_env_file() {
  local line k v
  [ -r "$1" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '#'* | ';'* | '') continue ;; esac
    k=${line%%=*}
    [ "$k" != "$line" ] || continue
    v=${line#*=}
    v=${v#\"} v=${v%\"} v=${v#\'} v=${v%\'}
    if is_secret_name "$k"; then
      remember "$v"
    fi
  done <"$1"
}
while IFS=$'\t' read -r -u 3 _ _ _ _ _ env_files _; do
  IFS=',' read -r -a files <<<"$env_files"
  for f in ${files[@]+"${files[@]}"}; do
    [ "$f" = - ] || read_env_file "$f"
  done
done 3<"$services_file"

sed_script=(
  # systemd's "<unit>.service: <message>" is not a name and its value (the secrets
  # oneshot's name holds "secret"): its colon is hidden from the rules meanwhile.
  -e 's/\.service:/.service\x01:/g'
  -e "s/($key)=(\"[^\"]*\"|'[^']*'|[^[:space:]\"',;&]*)/\\1=<redacted>/gI"
  -e "s/($key\"?[[:space:]]*:[[:space:]]*)\"[^\"]*\"/\\1\"<redacted>\"/gI"
  -e "s/($key\"?[[:space:]]*:[[:space:]]*)([^[:space:]\"<,;}][^[:space:]\",;}]*)/\\1<redacted>/gI"
  -e 's/(Bearer)[[:space:]]+[A-Za-z0-9._~+\/=-]+/\1 <redacted>/gI'
  -e 's/(Basic)[[:space:]]+[A-Za-z0-9+\/=]{8,}/\1 <redacted>/gI'
  -e "s#([A-Za-z][A-Za-z0-9+.-]*://)[^/@[:space:]\"'<>]+@#\\1<redacted>@#g"
  -e 's/eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/<redacted>/g'
  -e 's/[0-9A-Fa-f]{64,}/<redacted>/g'
  -e 's/\x01//g'
  # C1 controls and Unicode line separators, as "?" like the other control characters.
  -e 's/\xc2[\x80-\x9f]/?/g'
  -e 's/\xe2\x80[\xa8\xa9]/?/g'
)

redact() {
  local line v
  while IFS= read -r line || [ -n "$line" ]; do
    for v in ${values[@]+"${values[@]}"}; do
      line=${line//"$v"/<redacted>}
    done
    printf '%s\n' "$line"
  done | LC_ALL=C sed -E "${sed_script[@]}" | LC_ALL=C tr '\000-\010\013\014\016-\037\177' '[?*]'
}

# --- the report -----------------------------------------------------------------

indent() {
  sed 's/^/    /'
}

# Asks a health endpoint once; sets health_status (ok, FAILING or none) and
# health_detail.
ask_health() {
  local url=$1 out
  if [ "$url" = "-" ]; then
    health_status=none
    health_detail="upstream serves no health endpoint on an enabled port"
  elif out=$(curl --fail --silent --show-error --max-time 5 "$url" 2>&1); then
    health_status=ok
    health_detail="$url answered: $(printf '%s' "$out" | head -c 200)"
  else
    health_status=FAILING
    health_detail="$url: $(printf '%s' "$out" | head -n 1)"
  fi
}

unit_state() {
  systemctl show --property=ActiveState,SubState,Result,NRestarts,ExecMainStatus,ActiveEnterTimestamp -- "$1" 2>&1 ||
    echo "systemctl show $1 failed"
}

journal() {
  echo "journal (last $lines lines):"
  journalctl --unit="$1" --lines="$lines" --no-pager --output=short-iso 2>&1 | indent ||
    echo "    journalctl failed"
}

state_of() {
  local active sub
  active=$(systemctl show --property=ActiveState --value -- "$1" 2>/dev/null || true)
  sub=$(systemctl show --property=SubState --value -- "$1" 2>/dev/null || true)
  echo "${active:-unknown}/${sub:-unknown}"
}

report() {
  echo "atproto-diagnostics report, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "Secrets are redacted; read it through before posting it anyway."
  echo
  echo "== System"
  echo "nixos-version: $(nixos-version 2>&1 || echo "not found")"
  echo "kernel: $(uname -srm)"
  echo
  local -A status detail
  while IFS=$'\t' read -r -u 3 id _ _ url _; do
    ask_health "$url"
    status[$id]=$health_status
    detail[$id]=$health_detail
  done 3<"$services_file"

  echo "== Summary"
  while IFS=$'\t' read -r -u 3 id unit _; do
    printf '%s\t%s\thealth %s\n' "$id" "$(state_of "$unit.service")" "${status[$id]}"
  done 3<"$services_file"

  while IFS=$'\t' read -r -u 3 id unit package _ dirs _ others; do
    echo
    echo "== $id ($unit.service)"
    echo "package: $package"
    echo "unit:"
    unit_state "$unit.service" | indent
    echo "health: ${status[$id]}: ${detail[$id]}"
    IFS=',' read -r -a state_dirs <<<"$dirs"
    for d in ${state_dirs[@]+"${state_dirs[@]}"}; do
      [ "$d" != - ] || continue
      echo "disk ($d): $(df -hP -- "$d" 2>&1 | tail -n 1)"
    done
    journal "$unit.service"
    IFS=',' read -r -a other_units <<<"$others"
    for u in ${other_units[@]+"${other_units[@]}"}; do
      [ "$u" != - ] || continue
      echo "-- $u.service: $(state_of "$u.service")"
      unit_state "$u.service" | indent
      journal "$u.service"
    done
  done 3<"$services_file"
  echo
  echo "== Configuration (non-secret, as evaluated)"
  if command -v jq >/dev/null 2>&1; then
    jq . "$config_file"
  else
    cat "$config_file"
  fi
}

report 2>&1 | redact
