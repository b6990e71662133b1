#!/usr/bin/env bash
# The project's test command (README "Test it"; .ci/run calls it): installs the official Python
# SDKs into the conformance venv if they are not there yet, then runs every Rust test, the
# conformance suite (tests/conformance.rs, which runs pytest from that venv) included.
# Extra arguments go to `cargo test`, e.g. `bash tests/run.sh --test conformance`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/conformance/setup.sh
cargo test "$@"
