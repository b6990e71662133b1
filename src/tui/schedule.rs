//! When the event loop draws and when it wakes, as a pure function of the instants it is
//! told. The loop tells it what happened (input, a state change, a frame drawn) and asks for
//! the next deadline; it never reads a clock itself, so tests drive it with made-up instants.
//!
//! The rules: after input the next frame is drawn at once; any other change (a reply, a
//! page) marks the screen dirty and is drawn at most every `gap`, so a burst of replies costs
//! a frame per gap, not one per reply; a clean screen has no deadline at all, so an idle TUI
//! never wakes; the spinner steps every `tick`, and only while something is in flight.

use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Schedule {
    gap: Duration,
    tick: Duration,
    /// Something changed since the last frame.
    dirty: bool,
    /// The change came from the operator: draw without waiting for the gap.
    urgent: bool,
    last_draw: Instant,
    /// When the spinner steps next; `None` while nothing is in flight.
    next_tick: Option<Instant>,
}

impl Schedule {
    /// A schedule whose first frame is due at once (the screen is empty).
    pub fn new(now: Instant, gap: Duration, tick: Duration) -> Schedule {
        Schedule {
            gap,
            tick,
            dirty: true,
            urgent: true,
            last_draw: now,
            next_tick: None,
        }
    }

    /// A key press or a resize: the next frame is drawn at once.
    pub fn input(&mut self) {
        self.dirty = true;
        self.urgent = true;
    }

    /// A change that is not the operator's (a reply): drawn within one gap.
    pub fn changed(&mut self) {
        self.dirty = true;
    }

    /// Whether something is in flight. The spinner's first step comes one tick after it
    /// starts; when nothing is in flight any more, it stops.
    pub fn animating(&mut self, now: Instant, animating: bool) {
        match (animating, self.next_tick) {
            (true, None) => self.next_tick = Some(now + self.tick),
            (false, Some(_)) => self.next_tick = None,
            _ => {}
        }
    }

    /// Whether the spinner steps now. A step marks the screen dirty; steps missed while the
    /// loop was busy are skipped, not caught up.
    pub fn tick_due(&mut self, now: Instant) -> bool {
        match self.next_tick {
            Some(at) if at <= now => {
                self.next_tick = Some(now + self.tick);
                self.dirty = true;
                true
            }
            _ => false,
        }
    }

    /// Whether a frame should be drawn now.
    pub fn draw_due(&self, now: Instant) -> bool {
        self.dirty && (self.urgent || now >= self.last_draw + self.gap)
    }

    /// A frame was drawn at `now`.
    pub fn drawn(&mut self, now: Instant) {
        self.dirty = false;
        self.urgent = false;
        self.last_draw = now;
    }

    /// When the loop must wake if nothing else happens first; `None` for never.
    pub fn next_wake(&self) -> Option<Instant> {
        let draw = match (self.dirty, self.urgent) {
            (false, _) => None,
            (true, true) => Some(self.last_draw),
            (true, false) => Some(self.last_draw + self.gap),
        };
        match (draw, self.next_tick) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GAP: Duration = Duration::from_millis(10);
    const TICK: Duration = Duration::from_millis(120);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A schedule whose first frame was drawn at `t0`.
    fn drawn_at(t0: Instant) -> Schedule {
        let mut s = Schedule::new(t0, GAP, TICK);
        assert!(s.draw_due(t0), "the first frame is due at once");
        s.drawn(t0);
        s
    }

    #[test]
    fn input_is_drawn_at_once_even_right_after_a_frame() {
        let t0 = Instant::now();
        let mut s = drawn_at(t0);
        s.input();
        assert!(s.draw_due(t0 + ms(1)));
        assert_eq!(s.next_wake(), Some(t0), "a deadline already past");
        s.drawn(t0 + ms(1));
        assert!(!s.draw_due(t0 + ms(2)));
    }

    #[test]
    fn a_burst_of_replies_waits_for_the_gap_and_is_one_frame() {
        let t0 = Instant::now();
        let mut s = drawn_at(t0);
        for i in 1..=9 {
            s.changed();
            assert!(!s.draw_due(t0 + ms(i)), "reply at {i} ms is not drawn yet");
            assert_eq!(s.next_wake(), Some(t0 + GAP));
        }
        assert!(s.draw_due(t0 + GAP));
        s.drawn(t0 + GAP);
        assert!(!s.draw_due(t0 + GAP + ms(5)));
        assert_eq!(s.next_wake(), None, "nothing more to draw");
    }

    #[test]
    fn replies_every_millisecond_for_a_second_cost_at_most_one_frame_per_gap() {
        let t0 = Instant::now();
        let mut s = drawn_at(t0);
        let mut frames = 0;
        for i in 1..=1000 {
            let now = t0 + ms(i);
            s.changed();
            if s.draw_due(now) {
                s.drawn(now);
                frames += 1;
            }
        }
        assert!((90..=100).contains(&frames), "{frames} frames");
    }

    #[test]
    fn an_idle_screen_never_wakes() {
        let t0 = Instant::now();
        let mut s = drawn_at(t0);
        s.animating(t0, false);
        assert_eq!(s.next_wake(), None);
        assert!(!s.tick_due(t0 + Duration::from_secs(3600)));
        assert!(!s.draw_due(t0 + Duration::from_secs(3600)));
    }

    #[test]
    fn the_spinner_ticks_slowly_while_something_is_in_flight_and_then_stops() {
        let t0 = Instant::now();
        let mut s = drawn_at(t0);
        s.animating(t0, true);
        assert_eq!(s.next_wake(), Some(t0 + TICK));
        assert!(!s.tick_due(t0 + ms(119)));
        // Asked again while still in flight, the step does not move later.
        s.animating(t0 + ms(50), true);
        assert_eq!(s.next_wake(), Some(t0 + TICK));

        assert!(s.tick_due(t0 + TICK));
        assert!(s.draw_due(t0 + TICK), "a step is drawn");
        s.drawn(t0 + TICK);
        assert_eq!(s.next_wake(), Some(t0 + TICK * 2));

        s.animating(t0 + ms(130), false);
        assert_eq!(s.next_wake(), None, "nothing in flight: no more wake-ups");
        assert!(!s.tick_due(t0 + TICK * 2));
    }

    #[test]
    fn missed_ticks_are_skipped_not_caught_up() {
        let t0 = Instant::now();
        let mut s = drawn_at(t0);
        s.animating(t0, true);
        let late = t0 + Duration::from_secs(1);
        assert!(s.tick_due(late));
        assert!(!s.tick_due(late), "one step, not eight");
        s.drawn(late);
        assert_eq!(s.next_wake(), Some(late + TICK));
    }

    #[test]
    fn a_dirty_screen_wakes_at_the_earlier_of_the_frame_and_the_tick() {
        let t0 = Instant::now();
        let mut s = drawn_at(t0);
        s.animating(t0, true);
        s.changed();
        assert_eq!(s.next_wake(), Some(t0 + GAP));
    }
}
