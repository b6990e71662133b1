//! The status log: what happened, in the operator's words, newest at the bottom.
//!
//! It is a bounded ring buffer (the last [`CAPACITY`] entries) so that a long session cannot
//! grow without end. Every entry also goes to the log file through `tracing`. The clock is
//! injected so that snapshots and tests see stable times.

use std::collections::VecDeque;
use std::sync::Arc;

/// Entries kept on screen; older ones fall off the top (the log file keeps them all).
pub const CAPACITY: usize = 1000;

/// Milliseconds since the Unix epoch.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The real clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    })
}

/// A clock that always says `ms`, for tests and snapshots.
pub fn fixed_clock(ms: i64) -> Clock {
    Arc::new(move || ms)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Error,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Success => "ok",
            Level::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable across the ring buffer's turnover, so an in-flight entry can be found again.
    pub id: u64,
    /// Milliseconds since the epoch.
    pub at_ms: i64,
    pub level: Level,
    pub message: String,
    /// Drawn with a spinner until the work it announces has ended.
    pub in_flight: bool,
}

impl Entry {
    /// `HH:MM:SS`, UTC.
    pub fn time(&self) -> String {
        let secs = self.at_ms.div_euclid(1000).rem_euclid(86_400);
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

pub struct StatusLog {
    entries: VecDeque<Entry>,
    next_id: u64,
    clock: Clock,
    /// Lines scrolled up from the bottom; 0 follows the newest entry.
    pub scroll: usize,
}

impl StatusLog {
    pub fn new(clock: Clock) -> StatusLog {
        StatusLog {
            entries: VecDeque::with_capacity(64),
            next_id: 1,
            clock,
            scroll: 0,
        }
    }

    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    pub fn info(&mut self, message: impl Into<String>) -> u64 {
        self.push(Level::Info, message.into(), false)
    }

    pub fn success(&mut self, message: impl Into<String>) -> u64 {
        self.push(Level::Success, message.into(), false)
    }

    pub fn error(&mut self, message: impl Into<String>) -> u64 {
        self.push(Level::Error, message.into(), false)
    }

    /// An entry for work that is still going on; [`StatusLog::finish`] stops its spinner.
    pub fn in_flight(&mut self, message: impl Into<String>) -> u64 {
        self.push(Level::Info, message.into(), true)
    }

    pub fn finish(&mut self, id: u64) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            e.in_flight = false;
        }
    }

    fn push(&mut self, level: Level, message: String, in_flight: bool) -> u64 {
        match level {
            Level::Error => tracing::error!(target: "sagroam::status", "{message}"),
            Level::Success | Level::Info => tracing::info!(target: "sagroam::status", "{message}"),
        }

        let id = self.next_id;
        self.next_id += 1;
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry {
            id,
            at_ms: self.now_ms(),
            level,
            message,
            in_flight,
        });

        // A new entry while scrolled up keeps the same lines in view.
        if self.scroll > 0 {
            self.scroll = (self.scroll + 1).min(self.entries.len().saturating_sub(1));
        }
        id
    }

    pub fn entries(&self) -> &VecDeque<Entry> {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn last(&self) -> Option<&Entry> {
        self.entries.back()
    }

    pub fn any_in_flight(&self) -> bool {
        self.entries.iter().any(|e| e.in_flight)
    }

    pub fn scroll_up(&mut self, lines: usize) {
        self.scroll = (self.scroll + lines).min(self.entries.len().saturating_sub(1));
    }

    pub fn scroll_down(&mut self, lines: usize) {
        self.scroll = self.scroll.saturating_sub(lines);
    }

    /// The entries to draw in `rows` lines: up to `rows`, ending `scroll` entries above the
    /// newest.
    pub fn window(&self, rows: usize) -> impl Iterator<Item = &Entry> {
        let end = self.entries.len().saturating_sub(self.scroll);
        let start = end.saturating_sub(rows);
        self.entries.range(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_last_entries() {
        let mut log = StatusLog::new(fixed_clock(0));
        for i in 0..CAPACITY + 5 {
            log.info(format!("entry {i}"));
        }
        assert_eq!(log.len(), CAPACITY);
        assert_eq!(log.entries()[0].message, "entry 5");
        assert_eq!(log.last().map(|e| e.message.as_str()), Some("entry 1004"));
    }

    #[test]
    fn time_is_utc_hours_minutes_seconds() {
        let mut log = StatusLog::new(fixed_clock(1_764_770_700_000 + 1_234));
        log.info("x");
        assert_eq!(log.entries()[0].time(), "14:05:01");
    }

    #[test]
    fn window_follows_the_bottom_unless_scrolled() {
        let mut log = StatusLog::new(fixed_clock(0));
        for i in 0..10 {
            log.info(format!("{i}"));
        }
        let shown: Vec<_> = log.window(3).map(|e| e.message.clone()).collect();
        assert_eq!(shown, ["7", "8", "9"]);
        log.scroll_up(2);
        let shown: Vec<_> = log.window(3).map(|e| e.message.clone()).collect();
        assert_eq!(shown, ["5", "6", "7"]);
        log.info("10");
        let shown: Vec<_> = log.window(3).map(|e| e.message.clone()).collect();
        assert_eq!(shown, ["5", "6", "7"]);
    }

    #[test]
    fn finish_stops_the_spinner() {
        let mut log = StatusLog::new(fixed_clock(0));
        let id = log.in_flight("roaming");
        assert!(log.any_in_flight());
        log.finish(id);
        assert!(!log.any_in_flight());
    }
}
