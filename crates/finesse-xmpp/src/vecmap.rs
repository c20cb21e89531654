//! A map kept as a vector sorted by key: the client core's small maps (subscriptions, pending
//! IQs, BOSH requests in flight, a handful of entries each) and the hub's (subscriptions,
//! pubsub nodes, tens of entries) without a B-tree. It iterates in
//! key order as `BTreeMap` does, so behaviour stays the same; what it saves is code: each
//! `BTreeMap<K, V>` instantiation costs several KB of wasm, and the client runs in web pages
//! (the connection gadget's size budget). The server core, which holds thousands of sessions,
//! keeps its B-trees.

use std::borrow::Borrow;

/// A map sorted by key, for a few entries (lookups are binary searches, insertions and
/// removals shift the tail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self { entries: Vec::new() }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Sets the value of `key`; the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserting `value` first when there is none (`entry().or_insert()`).
    pub fn get_or_insert(&mut self, key: K, value: V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, value));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Removes `key`; its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries whose key is below `end`, in key order (`range(..end)`).
    pub fn iter_below<'a, Q: Ord + ?Sized>(
        &'a self,
        end: &Q,
    ) -> impl Iterator<Item = (&'a K, &'a V)>
    where
        K: Borrow<Q>,
    {
        let n = self.find(end).unwrap_or_else(|i| i);
        self.entries[..n].iter().map(|(k, v)| (k, v))
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The keys in order, consuming the map.
    pub fn into_keys(self) -> impl Iterator<Item = K> {
        self.entries.into_iter().map(|(k, _)| k)
    }

    /// The values in key order, consuming the map.
    pub fn into_values(self) -> impl Iterator<Item = V> {
        self.entries.into_iter().map(|(_, v)| v)
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// Collects entries; a repeated key keeps its last value, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Self::default();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn behaves_like_a_btreemap() {
        let mut m = VecMap::default();
        let mut b = BTreeMap::new();
        // A fixed pseudo-random sequence of inserts and removes over a small key space.
        let mut x = 7u64;
        for step in 0..2_000u64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let key = (x >> 33) % 40;
            match (x >> 20) % 4 {
                0 => assert_eq!(m.remove(&key), b.remove(&key), "step {step}"),
                1 => {
                    *m.get_or_insert(key, 0) += step;
                    *b.entry(key).or_insert(0) += step;
                }
                _ => assert_eq!(m.insert(key, step), b.insert(key, step), "step {step}"),
            }
            assert_eq!(m.get(&key), b.get(&key));
            assert_eq!(m.len(), b.len());
            assert!(m.iter().eq(b.iter()), "step {step}");
            assert!(m.iter_below(&key).eq(b.range(..key)), "step {step}");
        }
        if let Some(v) = m.get_mut(&3) {
            *v = 1;
        }
        if let Some(v) = b.get_mut(&3) {
            *v = 1;
        }
        m.values_mut().for_each(|v| *v += 1);
        b.values_mut().for_each(|v| *v += 1);
        assert!(m.keys().eq(b.keys()));
        assert!(m.clone().into_values().eq(b.clone().into_values()));
        assert!(m.clone().into_keys().eq(b.into_keys()));
        assert!(!m.is_empty());
        m.clear();
        assert!(m.is_empty() && m.get(&3).is_none());
    }

    #[test]
    fn collecting_keeps_the_last_value_of_a_key() {
        let pairs = [(2, 'a'), (1, 'b'), (2, 'c')];
        let m: VecMap<_, _> = pairs.into_iter().collect();
        let b: BTreeMap<_, _> = pairs.into_iter().collect();
        assert!(m.iter().eq(b.iter()));
    }

    #[test]
    fn string_keys_are_looked_up_by_str() {
        let mut m: VecMap<String, u8> = VecMap::default();
        m.insert("/b".to_owned(), 2);
        m.insert("/a".to_owned(), 1);
        assert_eq!(m.get("/a"), Some(&1));
        assert_eq!(m.remove("/b"), Some(2));
        assert_eq!(m.keys().collect::<Vec<_>>(), ["/a"]);
    }
}
