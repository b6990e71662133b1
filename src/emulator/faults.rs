//! Injected faults: added latency with jitter, 503 `ServiceUnavailable`, `Throttling.User`, and
//! answers lost after the change was applied. Each is either scripted (the next N calls of an
//! action) or drawn at a rate from a seeded generator: every call that reaches the fault stage
//! draws the same number of values, so the same seed and the same sequence of calls give the
//! same faults.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::Fault;

/// `x-acs-retry-after` of a throttle drawn at a rate, in milliseconds.
pub const RATE_THROTTLE_RETRY_AFTER_MS: u64 = 1000;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    pub fail: f64,
    pub throttle: f64,
    /// Applies to writes only.
    pub drop: f64,
}

#[derive(Debug)]
pub struct Faults {
    scripted: BTreeMap<String, VecDeque<Fault>>,
    rates: Rates,
    dice: StdRng,
    jitter_dice: StdRng,
    latency: Duration,
    jitter: Duration,
}

impl Faults {
    pub fn new(rates: Rates, seed: u64, latency: Duration, jitter: Duration) -> Faults {
        Faults {
            scripted: BTreeMap::new(),
            rates,
            dice: StdRng::seed_from_u64(seed),
            // Its own stream, so that how many requests failed before the fault stage (and so
            // drew a latency but no fault) cannot shift the faults.
            jitter_dice: StdRng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15),
            latency,
            jitter,
        }
    }

    /// The next `times` calls of `action` get `fault`, after any already scripted.
    pub fn script(&mut self, action: &str, fault: Fault, times: u32) {
        let queue = self.scripted.entry(action.to_string()).or_default();
        queue.extend(std::iter::repeat_n(fault, times as usize));
    }

    pub fn set_latency(&mut self, latency: Duration, jitter: Duration) {
        self.latency = latency;
        self.jitter = jitter;
    }

    /// How long to hold this request before answering.
    pub fn delay(&mut self) -> Duration {
        if self.jitter.is_zero() {
            return self.latency;
        }
        let extra = self
            .jitter_dice
            .gen_range(0..=self.jitter.as_micros() as u64);
        self.latency + Duration::from_micros(extra)
    }

    /// The fault for this call of `action`, if any: a scripted one first, else the dice.
    pub fn next(&mut self, action: &str, is_write: bool) -> Option<Fault> {
        let fail_or_throttle: f64 = self.dice.gen();
        let drop: f64 = self.dice.gen();

        if let Some(queue) = self.scripted.get_mut(action) {
            if let Some(fault) = queue.pop_front() {
                return Some(fault);
            }
        }

        let r = self.rates;
        if fail_or_throttle < r.fail {
            Some(Fault::Unavailable)
        } else if fail_or_throttle < r.fail + r.throttle {
            Some(Fault::Throttle {
                retry_after_ms: RATE_THROTTLE_RETRY_AFTER_MS,
            })
        } else if is_write && drop < r.drop {
            Some(Fault::Drop)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(seed: u64) -> Vec<Option<Fault>> {
        let rates = Rates {
            fail: 0.2,
            throttle: 0.2,
            drop: 0.3,
        };
        let mut f = Faults::new(rates, seed, Duration::ZERO, Duration::ZERO);
        (0..200)
            .map(|i| f.next(if i % 3 == 0 { "RoamClientUser" } else { "X" }, i % 3 == 0))
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        assert_eq!(sequence(7), sequence(7));
        assert_ne!(sequence(7), sequence(8));
        let s = sequence(7);
        assert!(s.contains(&Some(Fault::Unavailable)));
        assert!(s.contains(&Some(Fault::Drop)));
        assert!(s.contains(&None));
    }

    #[test]
    fn drops_hit_writes_only() {
        let rates = Rates {
            drop: 1.0,
            ..Rates::default()
        };
        let mut f = Faults::new(rates, 1, Duration::ZERO, Duration::ZERO);
        assert_eq!(f.next("DescribeRegions", false), None);
        assert_eq!(f.next("RoamClientUser", true), Some(Fault::Drop));
    }

    #[test]
    fn scripted_faults_come_first_and_run_out() {
        let mut f = Faults::new(Rates::default(), 1, Duration::ZERO, Duration::ZERO);
        f.script("A", Fault::Unavailable, 2);
        assert_eq!(f.next("B", false), None);
        assert_eq!(f.next("A", false), Some(Fault::Unavailable));
        assert_eq!(f.next("A", false), Some(Fault::Unavailable));
        assert_eq!(f.next("A", false), None);
    }

    #[test]
    fn jitter_stays_within_its_bound() {
        let latency = Duration::from_millis(5);
        let jitter = Duration::from_millis(3);
        let mut f = Faults::new(Rates::default(), 1, latency, jitter);
        for _ in 0..100 {
            let d = f.delay();
            assert!(d >= latency && d <= latency + jitter, "{d:?}");
        }
    }
}
