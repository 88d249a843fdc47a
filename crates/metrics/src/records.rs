//! The business data Sextant imports, as typed records. Names (customers, channels, systems,
//! processes) are interned to small integers by a [`Names`] table, so a record is a few words
//! and millions of them stream through without allocation.

use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use hashbrown::HashTable;

/// A fast non-cryptographic hasher (FxHash's mixing step, SplitMix64's finaliser) for interning millions of names
/// and tracking customer-period pairs. Keys come from the business's own files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fx(u64);

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        // Whole words as fixed-size loads, then the rest padded with zeros (read as at most a
        // 4-, a 2- and a 1-byte load: a copy of a length known only at run time would be a
        // call to `memcpy`, which cost more than the hashing on names of a few bytes).
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let (mut v, mut at) = (0u64, 0usize);
            if let Some(four) = rest.first_chunk::<4>() {
                v = u64::from(u32::from_le_bytes(*four));
                at = 4;
            }
            if let Some(two) = rest[at..].first_chunk::<2>() {
                v |= u64::from(u16::from_le_bytes(*two)) << (8 * at);
                at += 2;
            }
            if let Some(&one) = rest.get(at) {
                v |= u64::from(one) << (8 * at);
            }
            self.write_u64(v);
        }
    }

    /// The same as `write(&[v])` (one byte padded with zeros), without its branches.
    #[inline]
    fn write_u8(&mut self, v: u8) {
        self.write_u64(u64::from(v));
    }

    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        // SplitMix64's finaliser, so that every input bit reaches the low bits hash tables
        // index by.
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A `HashMap`/`HashSet` builder using [`Fx`].
pub type FxBuild = BuildHasherDefault<Fx>;

/// A name's place in the table of [`Names`]: its id and, when it is short, its bytes, so that a
/// lookup compares bytes already in the table instead of following a pointer to the heap (with
/// a hundred thousand customers, that pointer is a cache miss on every row). 32 bytes and
/// aligned to 32, so that an entry never straddles two cache lines.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Entry {
    id: u32,
    /// The name's length, or [`Entry::LONG`] for a name held only in `Names::names`.
    len: u8,
    bytes: [u8; Entry::INLINE],
}

impl Entry {
    /// The longest name held inline.
    const INLINE: usize = 27;
    const LONG: u8 = u8::MAX;

    fn new(name: &str, id: u32) -> Entry {
        let (len, bytes) =
            Entry::padded(name.as_bytes()).unwrap_or((Entry::LONG, [0; Entry::INLINE]));
        Entry { id, len, bytes }
    }

    /// A short name's length and bytes padded with zeros, as an entry holds them.
    #[inline]
    fn padded(b: &[u8]) -> Option<(u8, [u8; Entry::INLINE])> {
        let mut bytes = [0u8; Entry::INLINE];
        bytes.get_mut(..b.len())?.copy_from_slice(b);
        Some((b.len() as u8, bytes))
    }

    /// The name, read from the entry or from `names`.
    fn name<'a>(&'a self, names: &'a [Box<str>]) -> &'a [u8] {
        if self.len == Entry::LONG {
            names.get(self.id as usize).map_or(&[], |s| s.as_bytes())
        } else {
            &self.bytes[..usize::from(self.len)]
        }
    }
}

/// Interned names of one kind.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Each name's entry, placed by [`Names::hash`] turned by [`place`].
    index: HashTable<Entry>,
    names: Vec<Box<str>>,
}

/// Where a name of hash `h` ([`Names::hash`]) is placed in the table. Rotated so that callers
/// who share names out by the hash's low bits (the orders import gives each of its threads the
/// customers of `h % 2`) do not leave half of each table's slots unused: the table picks a slot
/// by the low bits, and the low byte moves to the top (the bits it only compares).
#[inline]
fn place(h: u64) -> u64 {
    h.rotate_right(8)
}

impl Names {
    /// The hash [`Names::intern_hashed`] takes: a name's as a `HashMap<&str, _, FxBuild>`
    /// hashes it.
    #[inline]
    pub fn hash(name: &str) -> u64 {
        FxBuild::default().hash_one(name)
    }

    /// The id of a name, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        self.intern_hashed(name, Names::hash(name))
    }

    /// [`Names::intern`] for a name whose [`Names::hash`] is already known (computed on
    /// another thread, say): `hash` must be that hash.
    #[inline]
    pub fn intern_hashed(&mut self, name: &str, hash: u64) -> u32 {
        let h = place(hash);
        let b = name.as_bytes();
        let names = &self.names;
        if let Some(e) = self.index.find(h, |e| e.name(names) == b) {
            return e.id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        let names = &self.names;
        self.index.insert_unique(h, Entry::new(name, id), |e| {
            // The name's bytes hash as the `&str` they came from.
            place(Names::hash(names.get(e.id as usize).map_or("", |s| s)))
        });
        id
    }

    /// The name of an id.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The id of a known name.
    pub fn get(&self, name: &str) -> Option<u32> {
        let names = &self.names;
        self.index
            .find(place(Names::hash(name)), |e| {
                e.name(names) == name.as_bytes()
            })
            .map(|e| e.id)
    }
}

/// One order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Order {
    /// Day of the order (days since 1970-01-01).
    pub day: i32,
    /// The customer (interned).
    pub customer: u32,
    /// The order's total.
    pub amount: f64,
    /// The sales channel (interned), if the data has one.
    pub channel: Option<u32>,
}

/// Marketing spend on a day (or the first day of a month when only the month is known).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    /// Day.
    pub day: i32,
    /// Channel (interned), if given.
    pub channel: Option<u32>,
    /// Amount spent.
    pub amount: f64,
}

/// Web analytics for a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Day.
    pub day: i32,
    /// Channel (interned), if given.
    pub channel: Option<u32>,
    /// Sessions (visits).
    pub sessions: f64,
    /// Conversions (orders or goals reached).
    pub conversions: f64,
}

/// An incident.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incident {
    /// When it started, in minutes since 1970-01-01 00:00.
    pub start: i64,
    /// When it was resolved, if it was.
    pub end: Option<i64>,
    /// A security incident.
    pub security: bool,
    /// A failure that made the service unavailable (counts as downtime and for MTBF).
    pub outage: bool,
    /// The system concerned (interned), if given.
    pub system: Option<u32>,
}

/// Which survey an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Survey {
    /// Customer satisfaction, 1-5.
    Csat,
    /// Net promoter score, 0-10.
    Nps,
    /// Employee net promoter score, 0-10.
    Enps,
}

/// One survey answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    /// Day.
    pub day: i32,
    /// The survey.
    pub survey: Survey,
    /// The score given.
    pub score: f64,
}

/// Users of a system on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usage {
    /// Day.
    pub day: i32,
    /// The system (interned).
    pub system: u32,
    /// Active users.
    pub active: f64,
    /// Licensed users.
    pub licensed: f64,
}

/// One process of the inventory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Process {
    /// The process (interned).
    pub name: u32,
    /// Whether it is automated.
    pub automated: bool,
    /// What it cost a year before the technology changed it, if known.
    pub baseline_cost: Option<f64>,
    /// What it costs a year now, if known.
    pub cost: Option<f64>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    /// The hash written word by word as before the loads were split: the last word padded
    /// with zeros (what the orders import's shares of customers depend on).
    fn padded(bytes: &[u8]) -> u64 {
        let mut h = Fx::default();
        for word in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..word.len()].copy_from_slice(word);
            h.write_u64(u64::from_le_bytes(w));
        }
        h.finish()
    }

    #[test]
    fn names_short_long_and_many_keep_their_ids() {
        let mut n = Names::default();
        let long = "a customer whose name is longer than an entry holds";
        assert_eq!(n.intern("C0001"), 0);
        assert_eq!(n.intern(long), 1);
        assert_eq!(n.intern(""), 2);
        // 27 bytes, held inline, and 28, held beside.
        let (x27, x28) = ("x".repeat(27), "x".repeat(28));
        assert_eq!(n.intern(&x27), 3);
        assert_eq!(n.intern(&x28), 4);
        // The table grows many times over; every name keeps its id.
        for k in 0..20_000 {
            n.intern(&format!("customer-{k}@example.com"));
        }
        assert_eq!(n.intern("C0001"), 0);
        assert_eq!(n.intern(long), 1);
        assert_eq!(n.get(""), Some(2));
        assert_eq!(n.get(&x27), Some(3));
        assert_eq!(n.get(&x28), Some(4));
        assert_eq!(n.get("customer-19999@example.com"), Some(20_004));
        assert_eq!(n.get("customer-20000@example.com"), None);
        assert_eq!(n.name(1), long);
        assert_eq!(n.len(), 20_005);
        // Given its hash, a name has the id interning it finds.
        let h = Names::hash("customer-7@example.com");
        assert_eq!(n.intern_hashed("customer-7@example.com", h), 12);
    }

    proptest! {
        /// The hash of any bytes is the hash of its words padded with zeros; a name's hash is
        /// its bytes' then 0xff, as a `&str` hashes.
        #[test]
        fn fx_reads_any_length_as_zero_padded_words(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let mut h = Fx::default();
            h.write(&bytes);
            prop_assert_eq!(h.finish(), padded(&bytes));
            let mut one = Fx::default();
            one.write_u8(0xab);
            prop_assert_eq!(one.finish(), padded(&[0xab]));
        }

        #[test]
        fn names_intern_as_a_map_does(names in proptest::collection::vec("[a-c]{0,3}|[a-z@.]{20,40}", 0..200)) {
            let mut n = Names::default();
            let mut map = std::collections::HashMap::new();
            for s in &names {
                let next = map.len() as u32;
                let want = *map.entry(s.clone()).or_insert(next);
                prop_assert_eq!(n.intern(s), want);
                prop_assert_eq!(n.name(want), s.as_str());
            }
            prop_assert_eq!(n.len(), map.len());
        }
    }
}
