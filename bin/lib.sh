# Shared by bin/demo and bin/test.
die() { echo "error: $*" >&2; exit 1; }

# Create .venv with Python 3.11 if needed and install the locked dependencies into it.
venv_install() {
  local python="${PYTHON:-python3.11}"
  command -v "$python" >/dev/null || die "Python 3.11 is required ($python not found; set PYTHON=/path/to/python3.11)."
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"
}
