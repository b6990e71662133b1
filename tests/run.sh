#!/usr/bin/env bash
# The project's test command (README "Test it"; .ci/run calls it): installs the official Python
# SDKs into the conformance venv if they are not there yet, then runs every Rust test, the
# conformance suite (tests/conformance.rs, which runs pytest from that venv) included.
# Extra arguments go to `cargo test`, e.g. `bash tests/run.sh --test conformance`.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the tests need besides cargo: tmux (the end-to-end tests drive the real binary in it)
# and python3 with venv (the conformance suite). On a fresh Debian machine, as root, install
# them; elsewhere say what is missing.
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    else
        echo "tests/run.sh: install ${missing[*]} first (Debian: apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi

bash tests/conformance/setup.sh

# A safety net under the tests' own traps: anything that tries to leave loopback through the
# HTTP stack meets a proxy address where nothing listens (port 9, discard) and fails at once,
# instead of reaching the network. Loopback goes direct. Tests that check refusals point the
# proxy variables at listeners of their own; the conformance suite routes the SDKs through its
# own gate, because the Python SDKs ignore NO_PROXY.
trap_proxy=http://127.0.0.1:9
export HTTPS_PROXY=$trap_proxy HTTP_PROXY=$trap_proxy https_proxy=$trap_proxy http_proxy=$trap_proxy
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1

cargo test "$@"
