//! Hybrid logical clock: orders changes across devices whose wall clocks disagree.
//!
//! A stamp is (wall-clock milliseconds, counter, node). It never goes backwards on one device, even when
//! the wall clock does, and observing a remote stamp moves the local clock past it, so a change made after
//! seeing another always sorts after it. Stamps are stored as fixed-width text so that text order is
//! clock order.

use std::fmt;
use std::str::FromStr;

/// One clock reading.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HlcStamp {
    pub wall_ms: i64,
    pub counter: u32,
    pub node: String,
}

impl fmt::Display for HlcStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}-{:05}-{}", self.wall_ms, self.counter, self.node)
    }
}

impl FromStr for HlcStamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, '-');
        let (Some(wall), Some(counter), Some(node)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("not a clock stamp: {s}"));
        };
        Ok(HlcStamp {
            wall_ms: wall
                .parse()
                .map_err(|_| format!("bad wall time in clock stamp: {s}"))?,
            counter: counter
                .parse()
                .map_err(|_| format!("bad counter in clock stamp: {s}"))?,
            node: node.to_owned(),
        })
    }
}

/// The clock of one device.
#[derive(Clone, Debug)]
pub struct Hlc {
    last: HlcStamp,
    /// How far the clinic server's clock is ahead of this computer's (ms): stamps are made on the
    /// server's time, so a computer whose clock is off still stamps in the clinic's order.
    offset_ms: i64,
}

impl Hlc {
    /// Resumes a clock from the last stamp it issued.
    pub fn resume(last: HlcStamp) -> Self {
        Hlc { last, offset_ms: 0 }
    }

    /// A new clock for `node` that has issued nothing yet.
    pub fn new(node: impl Into<String>) -> Self {
        Hlc {
            last: HlcStamp {
                wall_ms: 0,
                counter: 0,
                node: node.into(),
            },
            offset_ms: 0,
        }
    }

    /// Goes on as another node (a re-enrolled device), never going back.
    pub fn rename(&mut self, node: &str) {
        node.clone_into(&mut self.last.node);
    }

    pub fn set_offset(&mut self, offset_ms: i64) {
        self.offset_ms = offset_ms;
    }

    /// The clinic's time (ms) when this computer's clock says `now_ms`.
    pub fn physical(&self, now_ms: i64) -> i64 {
        now_ms.saturating_add(self.offset_ms)
    }

    pub fn last(&self) -> &HlcStamp {
        &self.last
    }

    /// The stamp for a local event at wall-clock time `now_ms`.
    pub fn tick(&mut self, now_ms: i64) -> HlcStamp {
        let now_ms = self.physical(now_ms);
        if now_ms > self.last.wall_ms {
            self.last.wall_ms = now_ms;
            self.last.counter = 0;
        } else {
            self.last.counter += 1;
        }
        self.last.clone()
    }

    /// Moves the clock past a stamp received from another device, and returns the stamp for receiving it.
    pub fn observe(&mut self, remote: &HlcStamp, now_ms: i64) -> HlcStamp {
        let wall = self
            .physical(now_ms)
            .max(self.last.wall_ms)
            .max(remote.wall_ms);
        let counter = if wall == self.last.wall_ms && wall == remote.wall_ms {
            self.last.counter.max(remote.counter) + 1
        } else if wall == self.last.wall_ms {
            self.last.counter + 1
        } else if wall == remote.wall_ms {
            remote.counter + 1
        } else {
            0
        };
        self.last.wall_ms = wall;
        self.last.counter = counter;
        self.last.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_monotonic_even_when_the_wall_clock_goes_back() {
        let mut clock = Hlc::new("a");
        let first = clock.tick(1_000);
        let second = clock.tick(900);
        let third = clock.tick(900);
        assert!(first < second && second < third);
        assert!(first.to_string() < second.to_string() && second.to_string() < third.to_string());
    }

    #[test]
    fn observing_a_remote_stamp_orders_later_events_after_it() {
        let mut here = Hlc::new("a");
        here.tick(1_000);
        let remote = HlcStamp {
            wall_ms: 5_000,
            counter: 7,
            node: "b".into(),
        };
        let received = here.observe(&remote, 1_100);
        assert!(received > remote);
        let next = here.tick(1_200);
        assert!(next > remote, "{next} must sort after {remote}");
    }

    #[test]
    fn text_form_round_trips_and_sorts_like_the_stamp() {
        let a = HlcStamp {
            wall_ms: 99,
            counter: 3,
            node: "0192-x".into(),
        };
        let b = HlcStamp {
            wall_ms: 100,
            counter: 0,
            node: "0192-x".into(),
        };
        assert_eq!(a.to_string().parse::<HlcStamp>().unwrap(), a);
        assert!(a.to_string() < b.to_string());
    }
}
