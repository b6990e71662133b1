#!/usr/bin/env bash
# Creates the conformance suite's venv at target/conformance-venv with the official SDKs pinned
# in requirements.txt. Idempotent: when the venv already holds exactly these requirements (a
# stamp of requirements.txt is kept inside it) it returns at once, without asking PyPI.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/conformance-venv"
requirements="$root/tests/conformance/requirements.txt"
stamp="$venv/.sagroam-requirements"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
    echo "conformance venv ready: $venv"
    exit 0
fi

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "setup.sh: python3 with the venv module is needed (Debian: apt-get install python3-venv)" >&2
    exit 1
fi

rm -f "$stamp"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
"$venv/bin/python" -c 'import aliyunsdkcore, aliyunsdksmartag, alibabacloud_smartag20180313, alibabacloud_tea_openapi, pytest'
cp "$requirements" "$stamp"
echo "conformance venv installed: $venv"
