//! The business data Sextant imports, as typed records. Names (customers, channels, systems,
//! processes) are interned to small integers by a [`Names`] table, so a record is a few words
//! and millions of them stream through without allocation.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A fast non-cryptographic hasher (FxHash's mixing step, SplitMix64's finaliser) for interning millions of names
/// and tracking customer-period pairs. Keys come from the business's own files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        // Whole words as fixed-size loads, then the rest padded with zeros.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w));
        }
    }

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

/// A name as a hash-table key: names of up to 30 bytes are held inline, so that a lookup
/// compares bytes already in the table instead of following a pointer to the heap (with a
/// million customers, that pointer is a cache miss on every row).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Inline(u8, [u8; 30]),
    Heap(Box<[u8]>),
}

impl Hash for Key {
    /// The name's bytes alone (equal keys hold equal bytes), not the padding of an inline one.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.bytes());
    }
}

impl Key {
    fn bytes(&self) -> &[u8] {
        match self {
            Key::Inline(n, a) => &a[..usize::from(*n)],
            Key::Heap(b) => b,
        }
    }

    fn of(s: &str) -> Key {
        let b = s.as_bytes();
        if b.len() <= 30 {
            let mut a = [0u8; 30];
            a[..b.len()].copy_from_slice(b);
            Key::Inline(b.len() as u8, a)
        } else {
            Key::Heap(b.into())
        }
    }
}

/// Interned names of one kind.
#[derive(Debug, Clone, Default)]
pub struct Names {
    index: HashMap<Key, u32, FxBuild>,
    names: Vec<Box<str>>,
}

impl Names {
    /// The id of a name, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        let key = Key::of(name);
        if let Some(&id) = self.index.get(&key) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        self.index.insert(key, id);
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
        self.index.get(&Key::of(name)).copied()
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
