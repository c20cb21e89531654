//! Deadlines keyed by what they are for: set, replace, cancel, find the earliest, and pop the
//! expired ones in time order. [`Timers`] is O(log n) each, so a service with thousands of
//! sessions answers `poll_timeout` without scanning them; [`FewTimers`] does the same by
//! scanning a vector, for the client core's handful of deadlines, without the B-trees' code
//! (several KB of wasm per key type, in a web page).

use std::collections::{BTreeMap, BTreeSet};

use crate::Millis;

/// A set of deadlines, at most one per key.
#[derive(Debug, Clone)]
pub(crate) struct Timers<K: Ord + Copy> {
    by_time: BTreeSet<(Millis, K)>,
    by_key: BTreeMap<K, Millis>,
}

impl<K: Ord + Copy> Default for Timers<K> {
    fn default() -> Self {
        Self { by_time: BTreeSet::new(), by_key: BTreeMap::new() }
    }
}

impl<K: Ord + Copy> Timers<K> {
    /// Sets (or moves) the deadline of `key`.
    pub(crate) fn set(&mut self, key: K, at: Millis) {
        if let Some(old) = self.by_key.insert(key, at) {
            self.by_time.remove(&(old, key));
        }
        self.by_time.insert((at, key));
    }

    /// Removes the deadline of `key`, if any.
    pub(crate) fn cancel(&mut self, key: K) {
        if let Some(old) = self.by_key.remove(&key) {
            self.by_time.remove(&(old, key));
        }
    }

    /// The deadline of `key`.
    pub(crate) fn get(&self, key: K) -> Option<Millis> {
        self.by_key.get(&key).copied()
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Millis> {
        self.by_time.first().map(|(at, _)| *at)
    }

    /// Removes and returns the earliest key whose deadline is at or before `now`.
    pub(crate) fn pop_expired(&mut self, now: Millis) -> Option<K> {
        let &(at, key) = self.by_time.first()?;
        if at > now {
            return None;
        }
        self.by_time.remove(&(at, key));
        self.by_key.remove(&key);
        Some(key)
    }

    /// Removes and returns, in time order, every key whose deadline is at or before `now`.
    /// Deadlines set while these are handled wait for the next call, so handling time always
    /// ends, even when a deadline computed from `now` saturates at `now`.
    pub(crate) fn take_expired(&mut self, now: Millis) -> Vec<K> {
        let mut keys = Vec::new();
        while let Some(k) = self.pop_expired(now) {
            keys.push(k);
        }
        keys
    }

    /// Removes every deadline whose key matches.
    pub(crate) fn cancel_where(&mut self, mut f: impl FnMut(&K) -> bool) {
        let keys: Vec<K> = self.by_key.keys().filter(|k| f(k)).copied().collect();
        for k in keys {
            self.cancel(k);
        }
    }

    /// Number of deadlines set.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_key.len()
    }
}

/// A set of deadlines, at most one per key, in a vector scanned on each call: the same
/// behaviour as [`Timers`] (ties pop in key order) for the few a client keeps.
#[derive(Debug, Clone)]
pub(crate) struct FewTimers<K: Ord + Copy> {
    deadlines: Vec<(Millis, K)>,
}

impl<K: Ord + Copy> Default for FewTimers<K> {
    fn default() -> Self {
        Self { deadlines: Vec::new() }
    }
}

impl<K: Ord + Copy> FewTimers<K> {
    /// Sets (or moves) the deadline of `key`.
    pub(crate) fn set(&mut self, key: K, at: Millis) {
        match self.deadlines.iter_mut().find(|(_, k)| *k == key) {
            Some(deadline) => deadline.0 = at,
            None => self.deadlines.push((at, key)),
        }
    }

    /// Removes the deadline of `key`, if any.
    pub(crate) fn cancel(&mut self, key: K) {
        self.deadlines.retain(|(_, k)| *k != key);
    }

    /// The deadline of `key`.
    #[cfg(test)]
    pub(crate) fn get(&self, key: K) -> Option<Millis> {
        self.deadlines.iter().find(|(_, k)| *k == key).map(|(at, _)| *at)
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Millis> {
        self.deadlines.iter().map(|(at, _)| *at).min()
    }

    /// Removes and returns the earliest key whose deadline is at or before `now`.
    pub(crate) fn pop_expired(&mut self, now: Millis) -> Option<K> {
        let (i, &(at, _)) = self.deadlines.iter().enumerate().min_by_key(|(_, d)| **d)?;
        if at > now {
            return None;
        }
        Some(self.deadlines.swap_remove(i).1)
    }

    /// Removes and returns, in time order, every key whose deadline is at or before `now`
    /// (those set while they are handled wait for the next call, as with [`Timers`]).
    pub(crate) fn take_expired(&mut self, now: Millis) -> Vec<K> {
        let mut keys = Vec::new();
        while let Some(k) = self.pop_expired(now) {
            keys.push(k);
        }
        keys
    }

    /// Removes every deadline whose key matches.
    #[cfg(test)]
    pub(crate) fn cancel_where(&mut self, mut f: impl FnMut(&K) -> bool) {
        self.deadlines.retain(|(_, k)| !f(k));
    }

    /// Number of deadlines set.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.deadlines.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same script against either implementation.
    macro_rules! deadlines_pop_in_time_order_and_replace {
        ($timers:ident) => {{
            let mut t = $timers::default();
            t.set(1u8, 50);
            t.set(2u8, 10);
            t.set(3u8, 30);
            t.set(1u8, 20); // moved earlier
            t.cancel(3);
            assert_eq!(t.next(), Some(10));
            assert_eq!(t.get(1), Some(20));
            assert_eq!(t.pop_expired(5), None);
            assert_eq!(t.pop_expired(100), Some(2));
            assert_eq!(t.pop_expired(100), Some(1));
            assert_eq!(t.pop_expired(100), None);
            assert_eq!(t.len(), 0);
            t.set(4, 1);
            t.set(5, 1);
            t.cancel_where(|k| *k == 4);
            assert_eq!(t.pop_expired(1), Some(5));
            // Ties pop in key order; later deadlines wait.
            for (k, at) in [(9, 7), (6, 7), (8, 3), (7, 7), (5, 8)] {
                t.set(k, at);
            }
            assert_eq!(t.take_expired(7), [8, 6, 7, 9]);
            assert_eq!((t.next(), t.len()), (Some(8), 1));
        }};
    }

    #[test]
    fn deadlines_pop_in_time_order_and_replace() {
        deadlines_pop_in_time_order_and_replace!(Timers);
    }

    #[test]
    fn few_timers_behave_the_same() {
        deadlines_pop_in_time_order_and_replace!(FewTimers);
    }
}
