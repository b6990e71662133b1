//! Every way out of the TUI leaves the terminal as it found it: the `stty -g` settings after
//! equal those before, for a quit, an error, a panic, SIGTERM and SIGHUP. The settings and
//! the exit status are recorded by a shell without job control (see
//! `Tmux::start_sagroam_args`), so nothing but sagroam itself can put the terminal back.

mod tmux_support;

use tmux_support::Tmux;

/// Starts the TUI, waits until it has drawn, ends it with `end`, and checks the terminal
/// settings and the exit status.
fn exit_path(extra: &str, end: impl FnOnce(&Tmux), status: &str) -> Tmux {
    let t = Tmux::start(100, 30);
    t.start_sagroam(extra);
    started_and_ended(t, end, status)
}

fn started_and_ended(t: Tmux, end: impl FnOnce(&Tmux), status: &str) -> Tmux {
    t.wait_for("Status log");
    t.wait_for("Shanghai-Lab-APP");
    end(&t);

    let after = t.wait_file("after");
    let before = t.file("before").unwrap_or_default();
    assert_eq!(before.trim(), after, "stty settings changed");
    assert_eq!(
        t.file("rc").unwrap_or_default().trim(),
        status,
        "exit status"
    );
    t
}

fn kill(t: &Tmux, signal: &str) {
    let pid = t.wait_file("pid");
    let out = std::process::Command::new("kill")
        .args([signal, &pid])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn quit_restores_the_terminal() {
    let t = exit_path("", |t| t.keys(&["q"]), "0");
    // The shell's own screen is back: the alternate screen was left.
    let screen = t.screen();
    assert!(!screen.contains("Status log"), "{screen}");
}

#[test]
fn without_log_file_the_log_goes_to_the_xdg_state_dir() {
    let t = Tmux::start(100, 30);
    // No credentials in the clean environment: demo mode without --demo, and says why.
    t.start_sagroam_args("");
    t.wait_for("DEMO: the built-in emulator serves the demo world");
    let t = started_and_ended(t, |t| t.keys(&["q"]), "0");
    let log = std::fs::read_to_string(t.path("state/sagroam/sagroam.log")).unwrap();
    assert!(log.contains("TUI started"), "{log}");
    assert!(
        log.contains("no credentials found"),
        "status log entries reach the file: {log}"
    );
}

#[test]
fn an_error_restores_the_terminal() {
    let t = exit_path("--test-error-key", |t| t.keys(&["F12"]), "1");
    t.wait_for("error requested by --test-error-key");
}

#[test]
fn a_panic_restores_the_terminal_before_the_report() {
    let t = exit_path("--test-panic-key", |t| t.keys(&["F12"]), "101");
    let screen = t.wait_for("panic requested by --test-panic-key");
    assert!(
        !screen.contains("Status log"),
        "the report is on the shell's screen: {screen}"
    );
}

/// After a signal: the alternate screen was left and the log file says why the TUI ended.
fn ended_by_signal(t: &Tmux, name: &str) {
    let screen = t.wait_until("the shell's screen", |s| !s.contains("Status log"));
    assert!(!screen.contains("Shanghai-Lab-APP"), "{screen}");
    let log = std::fs::read_to_string(t.path("sagroam.log")).unwrap();
    assert!(log.contains(&format!("TUI ended by {name}")), "{log}");
}

#[test]
fn sigterm_restores_the_terminal() {
    let t = exit_path("", |t| kill(t, "-TERM"), "143");
    ended_by_signal(&t, "SIGTERM");
}

#[test]
fn sighup_restores_the_terminal() {
    let t = exit_path("", |t| kill(t, "-HUP"), "129");
    ended_by_signal(&t, "SIGHUP");
}
