//! Running the real `sagroam` binary in the CLI tests: a cleared environment (no proxies, no
//! credentials but the ones a test gives), a temporary HOME, and the log in that HOME.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const BIN: &str = env!("CARGO_BIN_EXE_sagroam");

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// A temporary HOME and the environment the binary runs with.
pub struct Env {
    pub home: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
            vars: Vec::new(),
        }
    }

    /// With the emulator's demo key in the environment.
    pub fn demo_key() -> Env {
        Env::new()
            .with(
                "ALIBABA_CLOUD_ACCESS_KEY_ID",
                sagroam::emulator::DEMO_ACCESS_KEY_ID,
            )
            .with(
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                sagroam::emulator::DEMO_ACCESS_KEY_SECRET,
            )
    }

    pub fn with(mut self, key: &str, value: &str) -> Env {
        self.vars.push((key.into(), value.into()));
        self
    }

    pub fn log_path(&self) -> PathBuf {
        self.home.path().join("sagroam.log")
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(BIN);
        c.env_clear()
            .env("HOME", self.home.path())
            .arg("--log-file")
            .arg(self.log_path())
            .args(args)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// Runs `sagroam ARGS` to the end.
    pub async fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().await.unwrap();
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }
}
