#!/usr/bin/env bash
# atproto-secrets: create a service's missing secrets on the host, before it starts.
#
# The "generate" secrets backend runs this as root from a oneshot systemd unit ordered
# before the service. Secrets never enter the Nix store: they are made here, on the host,
# with openssl, into root-only files.
#
# Usage:
#   atproto-secrets.sh --dir DIR [--env-file FILE] [--owner USER:GROUP] SPEC...
#
#   SPEC = NAME:GENERATOR[:BYTES][:optional][=ENVVAR]
#
#   NAME       [a-z0-9_]+; the secret lives in DIR/NAME.
#   GENERATOR  hex            BYTES random bytes as lowercase hex (2*BYTES characters)
#              base64         BYTES random bytes, standard base64 on one line
#              password       BYTES characters from [A-Za-z0-9], uniformly random
#              secp256k1-hex  a secp256k1 private key: the 32-byte scalar as 64 lowercase
#                             hex characters (what the Bluesky PDS installer writes)
#              p256-pem       a P-256 private key, PKCS#8 PEM ("BEGIN PRIVATE KEY")
#              external       never generated: the operator puts the value there
#   BYTES      size for hex, base64 and password (default 32, at most 4096); for
#              secp256k1-hex and p256-pem it may only be 0 or 32; ignored for external.
#   optional   for external: a missing file is skipped instead of being an error.
#   ENVVAR     with --env-file: the variable that carries this secret's value.
#
#   --dir DIR           where the secrets live; created mode 0700 (and kept 0700). It
#                       must not be a symbolic link: the script would make the link's
#                       target 0700 and put secrets wherever it points.
#   --env-file FILE     after every secret exists, (re)write FILE with one ENVVAR=value
#                       line per SPEC that has =ENVVAR and whose file exists, in SPEC
#                       order, in systemd EnvironmentFile= syntax (a value with spaces
#                       or shell-special characters is double-quoted and escaped the
#                       way systemd itself writes env files). Only one-line values can
#                       go there: a multi-line secret (p256-pem) must be passed to the
#                       service as a file path instead, and is refused here.
#   --owner USER:GROUP  also chown DIR, the secret files and FILE (not needed with
#                       LoadCredential=, which reads them as root).
#
# Guarantees:
#   - Never rotates: a secret file that exists and is non-empty is never rewritten.
#     Generated values are created with link(2) (`ln`), which refuses to replace a file
#     that appeared meanwhile, so two concurrent runs cannot swap a value under a
#     service that already read it.
#   - Atomic: each value is written to a temporary file in DIR (umask 077), synced
#     (`sync FILE`), and only then linked into place; a crash leaves either no file or a
#     complete one. The env file is derived, so it is rebuilt on every run, also
#     atomically (temporary file beside it, then `mv`).
#   - No copies left behind: temporary files (`.NAME.tmp.PID.N`, `.FILE.tmp.PID.N`
#     beside the env file) are removed on exit, on INT, TERM and HUP; a run killed
#     outright (SIGKILL, a power cut) leaves its own, and the next run removes every one
#     whose process is gone before it starts.
#   - Root-only: DIR is 0700, every file 0400 (an existing file that group or others
#     can read is tightened to owner-only, its content left alone).
#   - Quiet about values: no secret is ever printed; messages name files only.
#   - One-line secrets are written without a trailing newline, so programs that read
#     the file byte for byte get exactly the value.
#
# Exit status: 0 all secrets present; 1 a required external secret is missing or a
# value cannot go in the env file or a tool failed; 2 bad usage.
#
# Needs only bash, coreutils and openssl.

set -euo pipefail
umask 077
export LC_ALL=C

prog=atproto-secrets

usage() {
  printf '%s\n' \
    'usage: atproto-secrets.sh --dir DIR [--env-file FILE] [--owner USER:GROUP] SPEC...' \
    '  SPEC = NAME:GENERATOR[:BYTES][:optional][=ENVVAR]' \
    '  NAME matches [a-z0-9_]+' \
    '  GENERATOR is one of: hex base64 password secp256k1-hex p256-pem external' \
    '  BYTES (default 32, 1..4096) sizes hex, base64 and password; secp256k1-hex and' \
    '  p256-pem accept only 0 or 32; external ignores it' \
    '  optional: a missing external secret is skipped instead of being an error' \
    '  =ENVVAR: with --env-file, write ENVVAR=value for this secret into FILE'
}

die_usage() {
  printf '%s: %s\n' "$prog" "$1" >&2
  usage >&2
  exit 2
}

die() {
  printf '%s: %s\n' "$prog" "$1" >&2
  exit 1
}

info() {
  printf '%s: %s\n' "$prog" "$1"
}

# ---------------------------------------------------------------------------------
# Arguments

dir=""
env_file=""
owner=""
specs=()

while (($# > 0)); do
  case "$1" in
    --dir)
      (($# >= 2)) || die_usage "--dir needs a value"
      dir="$2"
      shift 2
      ;;
    --dir=*)
      dir="${1#--dir=}"
      shift
      ;;
    --env-file)
      (($# >= 2)) || die_usage "--env-file needs a value"
      env_file="$2"
      shift 2
      ;;
    --env-file=*)
      env_file="${1#--env-file=}"
      shift
      ;;
    --owner)
      (($# >= 2)) || die_usage "--owner needs a value"
      owner="$2"
      shift 2
      ;;
    --owner=*)
      owner="${1#--owner=}"
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    --)
      shift
      specs+=("$@")
      break
      ;;
    -*)
      die_usage "unknown option: $1"
      ;;
    *)
      specs+=("$1")
      shift
      ;;
  esac
done

[[ -n "$dir" ]] || die_usage "--dir is required"
[[ -z "$owner" || "$owner" =~ ^[^:[:space:]]+:[^:[:space:]]+$ ]] ||
  die_usage "--owner must be USER:GROUP, got '$owner'"
((${#specs[@]} > 0)) || die_usage "no SPEC given"
if [[ -n "$env_file" && ( "$env_file" == */ || -d "$env_file" ) ]]; then
  die_usage "--env-file must name a file, got '$env_file'"
fi

# Parsed specs, index-aligned.
s_name=()
s_gen=()
s_bytes=()
s_optional=()
s_env=()

parse_spec() {
  local spec="$1" body envvar="" name gen bytes="" optional=0
  local -a parts
  [[ "$spec" =~ ^[[:graph:]]+$ ]] || die_usage "bad SPEC '$spec': it must be one word of printable characters"
  if [[ "$spec" == *=* ]]; then
    body="${spec%%=*}"
    envvar="${spec#*=}"
    [[ "$envvar" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
      die_usage "bad SPEC '$spec': ENVVAR must match [A-Za-z_][A-Za-z0-9_]*"
  else
    body="$spec"
  fi
  IFS=: read -r -a parts <<<"$body"
  [[ "$body" != *: ]] || die_usage "bad SPEC '$spec': trailing ':'"
  ((${#parts[@]} >= 2 && ${#parts[@]} <= 4)) ||
    die_usage "bad SPEC '$spec': expected NAME:GENERATOR[:BYTES][:optional][=ENVVAR]"
  name="${parts[0]}"
  gen="${parts[1]}"
  [[ "$name" =~ ^[a-z0-9_]+$ ]] || die_usage "bad SPEC '$spec': NAME must match [a-z0-9_]+"
  case "$gen" in
    hex | base64 | password | secp256k1-hex | p256-pem | external) ;;
    *) die_usage "bad SPEC '$spec': unknown generator '$gen'" ;;
  esac
  local i rest
  for ((i = 2; i < ${#parts[@]}; i++)); do
    rest="${parts[i]}"
    if [[ "$rest" == optional ]]; then
      ((optional == 0)) || die_usage "bad SPEC '$spec': 'optional' given twice"
      optional=1
    elif [[ "$rest" =~ ^[0-9]+$ ]]; then
      ((i == 2)) || die_usage "bad SPEC '$spec': BYTES must come right after GENERATOR"
      ((${#rest} <= 5)) || die_usage "bad SPEC '$spec': BYTES too large"
      bytes=$((10#$rest))
    else
      die_usage "bad SPEC '$spec': '$rest' is neither BYTES nor 'optional'"
    fi
  done
  case "$gen" in
    hex | base64 | password)
      [[ -n "$bytes" ]] || bytes=32
      ((bytes >= 1 && bytes <= 4096)) ||
        die_usage "bad SPEC '$spec': BYTES must be between 1 and 4096 for $gen"
      ;;
    secp256k1-hex | p256-pem)
      [[ -z "$bytes" || "$bytes" == 0 || "$bytes" == 32 ]] ||
        die_usage "bad SPEC '$spec': $gen has a fixed size; BYTES may only be 0 or 32"
      bytes=32
      ;;
    external)
      bytes=0
      ;;
  esac
  local j
  for ((j = 0; j < ${#s_name[@]}; j++)); do
    [[ "${s_name[j]}" != "$name" ]] || die_usage "bad SPEC '$spec': NAME '$name' given twice"
    [[ -z "$envvar" || "${s_env[j]}" != "$envvar" ]] ||
      die_usage "bad SPEC '$spec': ENVVAR '$envvar' given twice"
  done
  s_name+=("$name")
  s_gen+=("$gen")
  s_bytes+=("$bytes")
  s_optional+=("$optional")
  s_env+=("$envvar")
}

for spec in "${specs[@]}"; do
  parse_spec "$spec"
done

command -v openssl >/dev/null 2>&1 || die "openssl is not on PATH"

# ---------------------------------------------------------------------------------
# Temporary files are removed whatever happens.

tmp_files=()
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
  local f
  for f in "${tmp_files[@]+"${tmp_files[@]}"}"; do
    rm -f -- "$f" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# new_tmp DIR BASENAME: create a new empty 0600 file DIR/.BASENAME.tmp.PID.N, register it
# for cleanup and leave its path in $REPLY (not printed: a command substitution would
# run in a subshell and the registration would be lost). The name is registered before
# the file exists, so a signal in between cannot leave it behind; the PID in it tells a
# later run whether its owner is still running (see sweep_stale).
tmp_seq=0
new_tmp() {
  local f
  tmp_seq=$((tmp_seq + 1))
  f="$1/.$2.tmp.$$.$tmp_seq"
  tmp_files+=("$f")
  (set -C && : >"$f") 2>/dev/null || die "cannot create a temporary file in $1"
  REPLY="$f"
}

alive() { # whether process $1 is running (here, or where /proc is not mounted)
  [[ -d "/proc/$1" ]] || kill -0 "$1" 2>/dev/null
}

# sweep_stale DIR BASENAME: remove the temporary files for BASENAME that a killed run
# left in DIR (they may hold a whole secret): ours whose process is gone, and those of
# earlier versions of this script (`.BASENAME.tmp.XXXXXXXX`, made by mktemp).
sweep_stale() {
  local f rest
  for f in "$1/.$2.tmp."*; do
    [[ -e "$f" || -L "$f" ]] || continue
    rest="${f#"$1/.$2.tmp."}"
    if [[ "$rest" =~ ^([0-9]+)\.[0-9]+$ ]]; then
      # A file with this run's own PID is from a dead process whose PID was reused.
      if [[ "${BASH_REMATCH[1]}" != "$$" ]] && alive "${BASH_REMATCH[1]}"; then continue; fi
    elif [[ ! "$rest" =~ ^[A-Za-z0-9]{8}$ ]]; then
      continue
    fi
    rm -f -- "$f"
    info "removed $f, left by an earlier run that was stopped"
  done
}

fsync() { # best effort: coreutils sync(1) with arguments fsyncs them
  sync -- "$@" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------
# Generators: each writes the value into the file given as $1 (already created, 0600).

gen_hex() {
  openssl rand -hex "$2" | tr -d '\n' >"$1"
  local v
  v="$(<"$1")"
  [[ ${#v} -eq $((2 * $2)) && "$v" =~ ^[0-9a-f]+$ ]] || die "openssl rand -hex gave unexpected output"
}

gen_base64() {
  openssl rand "$2" | base64 -w 0 >"$1"
  local v
  v="$(<"$1")"
  # shellcheck disable=SC2017 # integer ceil(n/3)*4 on purpose
  [[ ${#v} -eq $((($2 + 2) / 3 * 4)) && "$v" =~ ^[A-Za-z0-9+/]+=*$ ]] ||
    die "base64 gave unexpected output"
}

gen_password() {
  # Base64 of 48 random bytes is 64 characters, each uniform over a 64-symbol
  # alphabet (48 is a multiple of 3, so no padding); dropping '+' and '/' leaves
  # characters uniform over [A-Za-z0-9]. Repeat until there are enough.
  local want="$2" pw="" chunk
  while ((${#pw} < want)); do
    chunk="$(openssl rand -base64 48 | tr -dc 'A-Za-z0-9')"
    pw+="$chunk"
  done
  printf '%s' "${pw:0:want}" >"$1"
  pw=""
  local v
  v="$(<"$1")"
  [[ ${#v} -eq $want && "$v" =~ ^[A-Za-z0-9]+$ ]] || die "password generation gave unexpected output"
}

# Order of the secp256k1 group.
SECP256K1_N="fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

gen_secp256k1_hex() {
  # Same derivation as the Bluesky PDS installer: the SEC1 ECPrivateKey DER from
  # `openssl ecparam -genkey -noout -outform DER` is
  #   30 74 | 02 01 01 | 04 20 <32-byte scalar> | a0 07 06 05 2b 81 04 00 0a | a1 44 ...
  # We check that layout (version 1, a 32-byte octet string, the secp256k1 OID) instead
  # of trusting fixed offsets blindly, then check 0 < scalar < n.
  local der key tail
  der="$(openssl ecparam -name secp256k1 -genkey -noout -outform DER | od -An -v -tx1 | tr -d ' \n')"
  [[ ${#der} -eq 236 && "${der:0:14}" == "30740201010420" ]] ||
    die "openssl ecparam gave an unexpected secp256k1 key encoding"
  key="${der:14:64}"
  tail="${der:78:18}"
  der=""
  [[ "$tail" == "a00706052b8104000a" ]] || die "openssl ecparam gave a key that is not on secp256k1"
  [[ "$key" =~ ^[0-9a-f]{64}$ ]] || die "bad secp256k1 scalar encoding"
  [[ "$key" != "0000000000000000000000000000000000000000000000000000000000000000" &&
    "$key" < "$SECP256K1_N" ]] || die "openssl produced an out-of-range secp256k1 scalar"
  printf '%s' "$key" >"$1"
  key=""
}

gen_p256_pem() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null ||
    die "openssl genpkey failed to make a P-256 key"
  openssl pkey -noout -in "$1" 2>/dev/null || die "openssl cannot read back the P-256 key it made"
  local first
  IFS= read -r first <"$1" || true
  [[ "$first" == "-----BEGIN PRIVATE KEY-----" ]] || die "openssl genpkey did not write PKCS#8 PEM"
}

# ---------------------------------------------------------------------------------
# Make sure every secret exists.

# A trailing slash would make the link test below look through a link.
while [[ "$dir" == */ && "$dir" != / ]]; do dir="${dir%/}"; done
if [[ -L "$dir" ]]; then
  die "$dir is a symbolic link (to $(readlink -- "$dir")); the secrets directory must be a real directory, or its target would be made 0700 and get the secrets: remove the link (bind-mount the other directory there if the secrets must live elsewhere)"
fi
if [[ -e "$dir" && ! -d "$dir" ]]; then
  die "$dir exists and is not a directory"
fi
# Parents made here are 0700 too (umask 077); the chmod covers an existing DIR.
# shellcheck disable=SC2174
mkdir -p -m 0700 -- "$dir"
chmod 0700 -- "$dir"
[[ -z "$owner" ]] || chown -- "$owner" "$dir"

for ((i = 0; i < ${#s_name[@]}; i++)); do
  sweep_stale "$dir" "${s_name[i]}"
  sweep_stale "$dir" "${s_name[i]}.empty"
done
if [[ -n "$env_file" && -d "$(dirname -- "$env_file")" ]]; then
  sweep_stale "$(dirname -- "$env_file")" "$(basename -- "$env_file")"
fi

missing_required=()

tighten() { # keep content; make sure only the owner can read it
  local f="$1" mode
  [[ -L "$f" ]] && return 0
  mode="$(stat -c '%a' -- "$f")"
  if (((8#$mode & 8#077) != 0)); then
    chmod go= -- "$f"
    info "$f was readable by group or others; made it owner-only (content unchanged)"
  fi
  [[ -z "$owner" ]] || chown -- "$owner" "$f"
}

for ((i = 0; i < ${#s_name[@]}; i++)); do
  name="${s_name[i]}"
  gen="${s_gen[i]}"
  bytes="${s_bytes[i]}"
  target="$dir/$name"

  if [[ -e "$target" && ! -f "$target" ]]; then
    die "$target exists and is not a regular file; move it away"
  fi
  if [[ -s "$target" ]]; then
    tighten "$target"
    continue
  fi

  if [[ "$gen" == external ]]; then
    if [[ "${s_optional[i]}" == 1 ]]; then
      info "$target is absent (optional external secret), skipped"
    else
      missing_required+=("$target")
    fi
    continue
  fi

  new_tmp "$dir" "$name"
  tmp="$REPLY"
  case "$gen" in
    hex) gen_hex "$tmp" "$bytes" ;;
    base64) gen_base64 "$tmp" "$bytes" ;;
    password) gen_password "$tmp" "$bytes" ;;
    secp256k1-hex) gen_secp256k1_hex "$tmp" ;;
    p256-pem) gen_p256_pem "$tmp" ;;
  esac
  [[ -s "$tmp" ]] || die "generating $target produced nothing"
  chmod 0400 -- "$tmp"
  [[ -z "$owner" ]] || chown -- "$owner" "$tmp"
  fsync "$tmp"

  # An empty file is no secret: it goes away (renamed aside first, so a concurrent run
  # that already linked a real value in its place is not the one removed).
  if [[ -f "$target" && ! -s "$target" ]]; then
    new_tmp "$dir" "$name.empty"
    aside="$REPLY"
    mv -f -T -- "$target" "$aside" 2>/dev/null || true
    if [[ -s "$aside" ]]; then # lost a race: put the real value back
      ln -T -- "$aside" "$target" 2>/dev/null || true
    fi
  fi
  # link(2) never replaces an existing file: if another run created it meanwhile,
  # that value wins and ours is discarded.
  if ln -T -- "$tmp" "$target" 2>/dev/null; then
    case "$gen" in
      hex | base64) info "generated $target ($gen, $bytes bytes)" ;;
      password) info "generated $target ($gen, $bytes characters)" ;;
      *) info "generated $target ($gen)" ;;
    esac
  elif [[ -s "$target" ]]; then
    info "$target appeared meanwhile (another run); kept it"
  else
    die "cannot create $target"
  fi
  rm -f -- "$tmp"
  fsync "$dir"
done

if ((${#missing_required[@]} > 0)); then
  for f in "${missing_required[@]}"; do
    printf '%s: %s is missing: put the value there (one line), mode 0400, then restart the unit\n' \
      "$prog" "$f" >&2
  done
  exit 1
fi

# ---------------------------------------------------------------------------------
# The environment file: derived from the secrets, so rebuilt every run.

# systemd EnvironmentFile= syntax, written the way systemd's own write_env_file()
# writes it: bare when the value has only safe characters, otherwise double-quoted
# with \ " ` $ escaped (inside double quotes systemd unescapes exactly those).
env_quote() {
  local v="$1"
  if [[ "$v" =~ ^[A-Za-z0-9_.,:@%+/=-]+$ ]]; then
    printf '%s' "$v"
  else
    # shellcheck disable=SC1003 # a lone backslash in single quotes, not an escape
    v="${v//'\'/'\\'}"
    v="${v//'"'/'\"'}"
    v="${v//'`'/'\`'}"
    v="${v//'$'/'\$'}"
    printf '"%s"' "$v"
  fi
}

if [[ -n "$env_file" ]]; then
  env_dir="$(dirname -- "$env_file")"
  env_base="$(basename -- "$env_file")"
  mkdir -p -- "$env_dir"
  new_tmp "$env_dir" "$env_base"
  etmp="$REPLY"
  for ((i = 0; i < ${#s_name[@]}; i++)); do
    envvar="${s_env[i]}"
    [[ -n "$envvar" ]] || continue
    f="$dir/${s_name[i]}"
    [[ -s "$f" ]] || continue
    size="$(wc -c <"$f")"
    nonul="$(tr -d '\000' <"$f" | wc -c)"
    [[ "$size" == "$nonul" ]] ||
      die "$f contains a NUL byte, so it cannot go in $env_file as $envvar; pass it as a file"
    value="$(<"$f")" # drops the trailing newline(s) only
    if [[ "$value" == *$'\n'* || "$value" == *$'\r'* ]]; then
      value=""
      die "$f holds more than one line, so it cannot go in $env_file as $envvar; pass the file path to the service instead (e.g. a *_FILE option or LoadCredential=)"
    fi
    if [[ -z "$value" ]]; then
      die "$f holds only a line break, so $envvar would be empty; put the value there (one line)"
    fi
    { printf '%s=' "$envvar"; env_quote "$value"; printf '\n'; } >>"$etmp"
    value=""
  done
  chmod 0400 -- "$etmp"
  [[ -z "$owner" ]] || chown -- "$owner" "$etmp"
  fsync "$etmp"
  mv -f -T -- "$etmp" "$env_file"
  fsync "$env_dir"
fi

exit 0
