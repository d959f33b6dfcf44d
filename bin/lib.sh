# Shared by bin/demo and bin/test.
die() { echo "error: $*" >&2; exit 1; }

# Create .venv with Python 3.11 if needed and install the locked dependencies into it. The lock file's
# hash is kept in .venv once its install succeeded: with the same lock file, the next run installs
# nothing and starts at once. A .venv made by hand (no hash yet) is brought to the lock file once.
venv_install() {
  local python="${PYTHON:-python3.11}" lock="$1"
  local stamp=".venv/.${lock%.lock}-sha256" hash
  command -v "$python" >/dev/null || die "Python 3.11 is required ($python not found; set PYTHON=/path/to/python3.11)."
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  hash="$(.venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$lock")"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && return 0
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
  echo "$hash" >"$stamp"
}
