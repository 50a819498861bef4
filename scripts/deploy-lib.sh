# shellcheck shell=bash
# Shared by scripts/deploy, scripts/publish-content and scripts/check-infra
# (sourced, not run):
# the environment file, the template's parameters, the tool venvs, and
# printing (or, with --dry-run, only printing) each command.

# Set by the caller: root (the repository), dry_run (0 or 1).
: "${root:?}" "${dry_run:?}"

die() {
  echo "error: $*" >&2
  exit 1
}

# Runs a command, printed first; with --dry-run only prints it.
run() {
  printf '+' >&2
  printf ' %q' "$@" >&2
  printf '\n' >&2
  if [ "$dry_run" -eq 0 ]; then
    "$@"
  fi
}

step() {
  printf '\n== %s\n' "$*" >&2
}

# Installs the pinned tools of $2 (a requirements file) into the venv $1,
# once per machine and again when the file changes.
ensure_venv() {
  local venv=$1 requirements=$2 probe=$3
  if [ -x "$venv/bin/$probe" ] && cmp -s "$requirements" "$venv/.requirements"; then
    return 0
  fi
  echo "Installing $(paste -sd ' ' "$requirements") into $venv…" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.requirements"
}

# The template's parameters, one per line:
# `Name`, `required` or `optional` (it has a Default), the Default and the
# Description, separated by \x1f (empty fields survive `IFS=$'\x1f' read).
# Read with awk from the template's own layout (two-space names,
# four-space properties).
template_parameters() {
  awk '
    /^Parameters:/ { inside = 1; next }
    inside && /^[^ #]/ { flush(); exit }
    !inside { next }
    /^  [A-Za-z0-9]+:[ ]*$/ {
      flush()
      name = $1; sub(/:$/, "", name); required = "required"; fallback = ""; description = ""; folded = 0
      next
    }
    /^    Default:/ {
      required = "optional"; folded = 0
      fallback = $0; sub(/^    Default:[ ]*/, "", fallback); gsub(/^["\047]|["\047]$/, "", fallback)
      next
    }
    /^    Description:/ {
      description = $0; sub(/^    Description:[ ]*/, "", description)
      folded = (description == ">-" || description == ">" || description == "|")
      if (folded) description = ""
      next
    }
    folded && /^      / { line = $0; sub(/^ +/, "", line); description = description (description == "" ? "" : " ") line; next }
    /^    [A-Za-z]/ { folded = 0 }
    function flush() { if (name != "") print name "\037" required "\037" fallback "\037" description; name = "" }
    END { flush() }
  ' "$root/infra/template.yaml"
}

# Keys an environment file may set besides the template's parameters.
# Nothing secret: secrets live in Secrets Manager, named here.
DEPLOY_SETTINGS=(
  DEPLOY_REGION           # the stack's region (required)
  DEPLOY_STACK_NAME       # default dvc-<environment>
  DEPLOY_S3_BUCKET        # where sam uploads artifacts; default: its managed bucket (--resolve-s3)
  MEILI_URL               # Meilisearch as the publication reaches it; unset: no push
  MEILI_PUBLIC_URL        # Meilisearch as browsers reach it; default MEILI_URL (= SearchOrigin)
  MEILI_MASTER_KEY_SECRET # Secrets Manager secret whose SecretString is the master key
)

# Reads `KEY=VALUE` lines (comments and blank lines skipped, no shell
# expansion) into the associative array `config`.
declare -A config=()
read_env_file() {
  local file=$1 line key value n=0
  [ -f "$file" ] || die "$file does not exist: copy ${file%.env}.env.example to it and fill it in (see infra/README.md)"
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line="${line%$'\r'}"
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    [[ "$line" =~ ^[[:space:]]*([A-Za-z][A-Za-z0-9_]*)=(.*)$ ]] || die "$file:$n: not KEY=VALUE: $line"
    key=${BASH_REMATCH[1]}
    value=${BASH_REMATCH[2]}
    # Trailing comments and blanks go; a value may be quoted.
    value="${value%%[[:space:]]#*}"
    value="${value%"${value##*[![:space:]]}"}"
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    [[ -z "${config[$key]+set}" ]] || die "$file:$n: $key is set twice"
    config[$key]=$value
  done <"$file"
}

# The environment file of `$1`: --env-file, else infra/environments/<env>.env.
env_file_for() {
  local environment=$1 given=$2
  if [ -n "$given" ]; then
    printf '%s\n' "$given"
  else
    printf '%s\n' "$root/infra/environments/$environment.env"
  fi
}

is_setting() {
  local key=$1 s
  for s in "${DEPLOY_SETTINGS[@]}"; do
    [ "$s" = "$key" ] && return 0
  done
  return 1
}
