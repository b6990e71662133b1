//! The official-SDK conformance suite (tests/conformance/, pytest) against this build's
//! `sagroam emulator`: the classic Python SDK, the Tea SDK with signature v1 and the Tea SDK with
//! its default ACS3-HMAC-SHA256 each list regions, instances and 2,000 users, roam, and see the
//! refusals. The Python side needs its venv, which `bash tests/conformance/setup.sh` makes (and
//! `bash tests/run.sh` runs before `cargo test`).

use std::path::Path;
use std::process::Command;

#[test]
fn the_official_sdks_work_against_the_emulator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/conformance-venv/bin/python");
    assert!(
        python.exists(),
        "the conformance venv is missing ({}): run `bash tests/conformance/setup.sh` first \
         (it installs the official SDKs from PyPI), or run every test with `bash tests/run.sh`",
        python.display()
    );

    let output = Command::new(&python)
        .args(["-m", "pytest", "-q"])
        .current_dir(root.join("tests/conformance"))
        .env("SAGROAM_BIN", env!("CARGO_BIN_EXE_sagroam"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("PYTEST_ADDOPTS")
        .output()
        .expect("the venv's python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(
        output.status.success(),
        "the conformance suite failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // Shown with `cargo test --test conformance -- --nocapture`.
    println!("{stdout}");
}
