//! Drives the real binary in a tmux pane, as a person at a terminal would: keys in, the
//! screen read back with `capture-pane`. Each harness has its own tmux server (`-L` with a
//! unique socket name), its own HOME and XDG_STATE_HOME in a temp dir, and kills its server
//! when dropped. Waiting is always for something seen, with a deadline.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Long enough for a debug build on a busy machine; a pass takes a fraction of it.
pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Tmux {
    socket: String,
    pub dir: tempfile::TempDir,
}

impl Tmux {
    /// A tmux server with one `width`x`height` pane running a plain shell.
    pub fn start(width: u16, height: u16) -> Tmux {
        let dir = tempfile::tempdir().expect("a temp dir");
        let socket = format!(
            "sagroam-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let tmux = Tmux { socket, dir };
        let out = tmux
            .command()
            .args(["-f", "/dev/null", "new-session", "-d", "-s", "t", "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .args(["bash", "--norc", "--noprofile"])
            .output()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux.tmux(&["set-option", "-g", "status", "off"]);
        tmux
    }

    /// `tmux -L <socket>` with a clean environment: no credentials of the person running
    /// the tests, a temp HOME and state dir, a UTF-8 locale.
    fn command(&self) -> Command {
        let mut c = Command::new("tmux");
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "xterm-256color")
            .env("PS1", "$ ")
            .args(["-L", &self.socket]);
        c
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("tmux runs")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Types a line into the shell and presses Enter.
    pub fn run_line(&self, line: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", line]);
        self.tmux(&["send-keys", "-t", "t", "Enter"]);
    }

    /// Starts sagroam in demo mode under a shell that records `stty -g` before and after,
    /// its exit status, and its pid (the inner `exec` keeps the pid the shell wrote). The log
    /// goes to `sagroam.log` in the temp dir.
    ///
    /// The recording is done by a non-interactive `sh -c`, not by the pane's bash: bash runs
    /// a command line as a job and, when a job dies from a signal, puts back the tty settings
    /// it saved, which would hide a TUI that leaves raw mode on. `sh` has no job control, so
    /// `after` is exactly what sagroam left behind.
    pub fn start_sagroam(&self, extra: &str) {
        let d = self.dir.path().display();
        self.start_sagroam_args(&format!("--demo --log-file {d}/sagroam.log {extra}"));
    }

    /// [`Tmux::start_sagroam`] with exactly these arguments.
    pub fn start_sagroam_args(&self, args: &str) {
        let d = self.dir.path().display();
        let bin = env!("CARGO_BIN_EXE_sagroam");
        self.run_line(&format!(
            "sh -c 'stty -g > {d}/before; sh -c \"echo \\$\\$ > {d}/pid; exec {bin} {args}\"; \
             echo $? > {d}/rc; stty -g > {d}/after'"
        ));
    }

    /// Keys by tmux name: `Enter`, `Escape`, `Tab`, `BTab`, `Down`, `Right`, `q`, `/`...
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "t", k]);
        }
    }

    /// Literal text.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    /// Polls the screen until `check` holds; fails the test with the last screen at the
    /// deadline.
    pub fn wait_until(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(self.path("sagroam.log")).unwrap_or_default();
                panic!("timed out waiting for {what}; the screen:\n{screen}\nthe log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(&format!("{needle:?}"), |s| s.contains(needle))
    }

    /// Waits until `name` exists in the temp dir and has a full line in it.
    pub fn wait_file(&self, name: &str) -> String {
        let path = self.path(name);
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Ok(text) = std::fs::read_to_string(&path) {
                if text.ends_with('\n') {
                    return text.trim().to_string();
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {}; the screen:\n{}",
                    path.display(),
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn file(&self, name: &str) -> Option<String> {
        std::fs::read_to_string(self.path(name)).ok()
    }

    pub fn log_path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}
