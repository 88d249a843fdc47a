//! Turns a [`Node`] tree into the plan file's types, reporting every shape problem at once:
//! unknown fields (with "did you mean"), missing required fields, wrong types, values out of
//! range. Each decoded value's location is remembered by its field path in a [`SourceMap`], so
//! later checks can point at the right line.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::diag::{Location, Problem, did_you_mean};
use crate::model::*;
use crate::source::{Node, Pos, Value};

/// Where each decoded value was written, by field path (`initiatives[2].depends_on[0]`).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// The file's name, as locations give it.
    file: Arc<str>,
    /// Each recorded path's position, by a 64-bit hash of the path: a plan of two million
    /// values would otherwise hold two million path strings (a colliding pair of paths would
    /// only misplace a message).
    locations: HashMap<u64, Pos>,
    /// Each list's entries' positions, by the list's path key: the locations of paths ending
    /// in `[i]`, eight bytes an entry where a path of its own would take forty.
    lists: HashMap<u64, Box<[Pos]>>,
    root: Option<Location>,
    /// Ids of list entries that could not be decoded, by list path (`initiatives`), so that
    /// references to them are not reported as unknown on top of their own problems.
    broken_ids: HashMap<String, Vec<String>>,
    /// For lists with left-out entries: the original index of each kept entry.
    kept: HashMap<String, Vec<usize>>,
}

impl SourceMap {
    /// The location of `path`, or of its closest recorded ancestor.
    pub fn locate(&self, path: &str) -> Location {
        let mut p = path;
        loop {
            if let Some(l) = self.locations.get(&path_key(p)) {
                return l.location(&self.file);
            }
            if let Some(l) = self.item(p) {
                return l.location(&self.file);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        self.root
            .clone()
            .unwrap_or_else(|| Location::new("<plan>", 1, 1))
    }

    /// The position of the list entry `p` names (`...[i]`), if its list was read.
    fn item(&self, p: &str) -> Option<Pos> {
        let body = p.strip_suffix(']')?;
        let open = body.rfind('[')?;
        let i: usize = body[open + 1..].parse().ok()?;
        self.lists.get(&path_key(&body[..open]))?.get(i).copied()
    }

    /// Turns a path into the decoded document (where entries with problems were left out of
    /// their lists) into the path of the same value in the file.
    pub fn original_path(&self, path: &str) -> String {
        if self.kept.is_empty() {
            return path.to_string();
        }
        let mut out = String::with_capacity(path.len());
        let mut rest = path;
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find(']').map(|c| open + c) else {
                break;
            };
            let index = &rest[open + 1..close];
            let mapped = index
                .parse::<usize>()
                .ok()
                .and_then(|i| self.kept.get(&out).and_then(|k| k.get(i)).copied());
            match mapped {
                Some(m) => out.push_str(&format!("[{m}]")),
                None => out.push_str(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Whether an entry of `list` with this id exists but could not be decoded.
    pub fn is_broken(&self, list: &str, id: &str) -> bool {
        self.broken_ids
            .get(list)
            .is_some_and(|ids| ids.iter().any(|i| i == id))
    }
}

/// The key of a path in [`SourceMap`]: the same on every run (SipHash with fixed keys).
fn path_key(path: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// Collects problems and locations while decoding.
pub struct Decoder {
    /// Problems found so far (at most [`MAX_PROBLEMS`]).
    pub problems: Vec<Problem>,
    /// Locations of decoded values.
    pub map: SourceMap,
    /// The file's name, for locations.
    pub file: Arc<str>,
    /// Problems found beyond [`MAX_PROBLEMS`], recorded nowhere.
    pub dropped: usize,
    /// Where a problem beyond [`MAX_PROBLEMS`] is written, to be forgotten.
    scratch: Problem,
    /// What the file is, for hints (`plan`, `file`).
    document: &'static str,
}

/// The most problems recorded for one plan file: a file of junk (a list of two million
/// numbers where initiatives are expected) would otherwise produce a problem for every value,
/// hundreds of bytes each. Reading stops at the list entry where the limit is reached.
pub const MAX_PROBLEMS: usize = 1000;

/// A type that can be read from a node.
pub trait Decode: Sized {
    /// Reads a value, or records why it cannot and returns `None`.
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self>;
}

/// Decodes a whole plan document read from `file`: the document, where each value was written,
/// and the problems found (at most [`MAX_PROBLEMS`]; `true` when there were more).
pub fn decode_plan(file: &str, root: &Node) -> (Option<PlanDoc>, SourceMap, Vec<Problem>, bool) {
    let mut d = Decoder::new(file, root);
    d.document = "plan";
    let doc = if matches!(root.value, Value::Null) {
        d.push(
            Problem::new(root.pos.location(&d.file), "", "the plan file is empty")
                .expected("a plan with `version: 1` and an `organization`")
                .hint("run `sextant init` to write a starter plan"),
        );
        None
    } else {
        PlanDoc::decode(root, "", &mut d)
    };
    let more = d.dropped > 0;
    (doc, d.map, d.problems, more)
}

impl Decoder {
    /// A decoder for another kind of file than a plan (a standard, an assessment's answers),
    /// read from `file` whose parsed root is `root`.
    pub fn new(file: &str, root: &Node) -> Decoder {
        let file: Arc<str> = Arc::from(file);
        Decoder {
            problems: Vec::new(),
            map: SourceMap {
                file: file.clone(),
                locations: HashMap::new(),
                lists: HashMap::new(),
                root: Some(root.pos.location(&file)),
                broken_ids: HashMap::new(),
                kept: HashMap::new(),
            },
            scratch: Problem::new(root.pos.location(&file), "", ""),
            file,
            dropped: 0,
            document: "file",
        }
    }

    fn note(&mut self, path: &str, pos: Pos) {
        // A list entry's position is kept by its list (see `SourceMap::lists`).
        if !path.ends_with(']') {
            self.map.locations.insert(path_key(path), pos);
        }
    }

    /// A position as a location in the file.
    pub fn loc(&self, pos: Pos) -> Location {
        pos.location(&self.file)
    }

    /// True once [`MAX_PROBLEMS`] problems are recorded: lists stop being read.
    pub fn full(&self) -> bool {
        self.problems.len() >= MAX_PROBLEMS
    }

    /// Records a problem (forgotten, but counted, past [`MAX_PROBLEMS`]).
    pub fn push(&mut self, p: Problem) {
        if self.full() {
            self.dropped += 1;
        } else {
            self.problems.push(p);
        }
    }

    /// Records a problem at a node, for the caller to complete.
    pub fn problem(&mut self, node: &Node, path: &str, message: impl Into<String>) -> &mut Problem {
        let p = Problem::new(self.loc(node.pos), path, message);
        if self.full() {
            self.dropped += 1;
            self.scratch = p;
            return &mut self.scratch;
        }
        self.problems.push(p);
        let last = self.problems.len() - 1;
        &mut self.problems[last]
    }

    fn mismatch<T>(&mut self, node: &Node, path: &str, expected: &str) -> Option<T> {
        let p = self.problem(node, path, format!("expected {expected}"));
        p.expected = Some(expected.to_string());
        p.found = Some(node.value.describe());
        None
    }

    /// Opens a mapping whose fields are then read with [`Fields`].
    pub fn fields<'n>(&mut self, node: &'n Node, path: &str, what: &str) -> Option<Fields<'n>> {
        self.note(path, node.pos);
        match &node.value {
            Value::Map(entries) => Some(Fields {
                node,
                path: path.to_string(),
                entries,
                used: vec![false; entries.len()],
                known: Vec::new(),
            }),
            _ => self.mismatch(node, path, &format!("a mapping ({what})")),
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// The fields of one mapping, read one by one; unread fields are reported as unknown by
/// [`Fields::finish`].
pub struct Fields<'n> {
    node: &'n Node,
    path: String,
    entries: &'n [(crate::source::Key, Node)],
    used: Vec<bool>,
    known: Vec<&'static str>,
}

impl<'n> Fields<'n> {
    fn take(&mut self, name: &'static str) -> Option<&'n Node> {
        self.known.push(name);
        let i = self.entries.iter().position(|(k, _)| &*k.name == name)?;
        self.used[i] = true;
        Some(&self.entries[i].1)
    }

    /// A required field.
    pub fn req<T: Decode>(&mut self, d: &mut Decoder, name: &'static str) -> Option<T> {
        match self.take(name) {
            Some(node) if !matches!(node.value, Value::Null) => {
                T::decode(node, &join(&self.path, name), d)
            }
            found => {
                let document = d.document;
                let p = d.problem(
                    found.unwrap_or(self.node),
                    &join(&self.path, name),
                    format!("the required field `{name}` is missing"),
                );
                if found.is_some() {
                    p.message = format!("the required field `{name}` is empty");
                    p.found = Some("nothing".into());
                }
                p.hint = Some(format!("add `{name}:` to `{}`", self.path));
                if self.path.is_empty() {
                    p.hint = Some(format!("add `{name}:` at the top level of the {document}"));
                }
                None
            }
        }
    }

    /// An optional field; `None` when absent, empty or invalid (invalid is recorded).
    pub fn opt<T: Decode>(&mut self, d: &mut Decoder, name: &'static str) -> Option<T> {
        match self.take(name) {
            Some(node) if !matches!(node.value, Value::Null) => {
                T::decode(node, &join(&self.path, name), d)
            }
            _ => None,
        }
    }

    /// A field read by the caller itself (it is known, not reported as unknown).
    pub fn skip(&mut self, name: &'static str) {
        self.take(name);
    }

    /// An optional field with a default.
    pub fn or<T: Decode>(&mut self, d: &mut Decoder, name: &'static str, default: T) -> T {
        self.opt(d, name).unwrap_or(default)
    }

    /// An optional list or map field, empty when absent.
    pub fn many<T: Decode + Default>(&mut self, d: &mut Decoder, name: &'static str) -> T {
        self.opt(d, name).unwrap_or_default()
    }

    /// Reports the fields that were never read.
    pub fn finish(self, d: &mut Decoder) {
        for (i, (key, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            if d.full() {
                d.dropped += 1;
                break;
            }
            let mut p = Problem::new(
                d.loc(key.pos),
                join(&self.path, &key.name),
                format!("unknown field `{}`", key.name),
            )
            .expected(format!("one of {}", quoted_list(&self.known)))
            .found(format!("`{}`", key.name));
            if let Some(s) = did_you_mean(&key.name, self.known.iter().copied()) {
                p = p.hint(format!("did you mean `{s}`?"));
            }
            d.push(p);
        }
    }
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

impl Decode for String {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        match &node.value {
            Value::Str(s) | Value::Number(s) => Some(s.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => d.mismatch(node, path, "text"),
        }
    }
}

impl Decode for bool {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        match &node.value {
            Value::Bool(b) => Some(*b),
            _ => d.mismatch(node, path, "`true` or `false`"),
        }
    }
}

impl Decode for f64 {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        match &node.value {
            Value::Number(s) => s.parse().ok(),
            _ => d.mismatch(node, path, "a number"),
        }
    }
}

impl Decode for u32 {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        match &node.value {
            Value::Number(s) => match s.parse() {
                Ok(n) => Some(n),
                Err(_) => d.mismatch(node, path, "a whole number, 0 or more"),
            },
            _ => d.mismatch(node, path, "a whole number, 0 or more"),
        }
    }
}

impl Decode for u8 {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        match &node.value {
            Value::Number(s) => match s.parse() {
                Ok(n) => Some(n),
                Err(_) => d.mismatch(node, path, "a small whole number"),
            },
            _ => d.mismatch(node, path, "a small whole number"),
        }
    }
}

impl Decode for Id {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let s = String::decode(node, path, d)?;
        match Id::parse(&s) {
            Ok(id) => Some(id),
            Err(why) => {
                let p = d.problem(node, path, format!("invalid id: {why}"));
                p.expected =
                    Some("an id such as `pos-system` (letters, digits, `-`, `_`, `.`)".into());
                p.found = Some(format!("{s:?}"));
                None
            }
        }
    }
}

impl Decode for Date {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        let text = match &node.value {
            Value::Str(s) => s,
            _ => return d.mismatch(node, path, "a date written `YYYY-MM-DD`"),
        };
        match Date::parse(text) {
            Some(m) => Some(m),
            None => {
                let month = text.get(..7).and_then(Month::parse);
                let day = text.get(7..).and_then(|t| t.strip_prefix('-'));
                if let (Some(month), Some(day)) = (month, day)
                    && day.len() == 2
                    && day.bytes().all(|b| b.is_ascii_digit())
                {
                    let p = d.problem(node, path, format!("{month} has no day {day}"));
                    p.expected = Some(format!("a day from 01 to {:02}", month.days()));
                    p.found = Some(format!("{text:?}"));
                    return None;
                }
                let p = d.problem(node, path, "expected a date written `YYYY-MM-DD`");
                p.expected = Some("a calendar date written `YYYY-MM-DD`, e.g. `2027-03-15`".into());
                p.found = Some(format!("{text:?}"));
                None
            }
        }
    }
}

impl Decode for Month {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        let text = match &node.value {
            Value::Str(s) | Value::Number(s) => s,
            _ => return d.mismatch(node, path, "a month written `YYYY-MM`"),
        };
        match Month::parse(text) {
            Some(m) => Some(m),
            None => {
                let p = d.problem(node, path, "expected a month written `YYYY-MM`");
                p.expected = Some("a month written `YYYY-MM`, e.g. `2027-03`".into());
                p.found = Some(format!("{text:?}"));
                None
            }
        }
    }
}

impl Decode for BudgetPeriod {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        let expected = "a fiscal year such as `2027` or a fiscal quarter such as `2027-Q3`";
        let text = match &node.value {
            Value::Str(s) | Value::Number(s) => s,
            _ => return d.mismatch(node, path, expected),
        };
        match BudgetPeriod::read(text) {
            Ok(p) => Some(p),
            Err(e) => {
                let p = d.problem(node, path, "invalid budget period");
                p.expected = Some(expected.into());
                p.found = Some(format!("{text:?}"));
                // Say why when the label was read as a period that cannot be (`2027-Q5`).
                p.hint = Some(if e.reason == "not a period" {
                    "fiscal years are named by the calendar year they start in".into()
                } else {
                    format!(
                        "{} (fiscal years are named by the calendar year they start in)",
                        e.reason
                    )
                });
                None
            }
        }
    }
}

/// The largest amount of money a plan may hold, in absolute value: one trillion (10^12) units
/// of its currency.
///
/// Amounts are exact in the file, but the analysis and the optimiser compute in binary floating
/// point (exact to about 16 significant digits) and HiGHS treats coefficients near 10^15 and
/// above as numerically unsafe. A trillion keeps cents exact in sums of thousands of amounts.
pub const MAX_MONEY: i64 = 1_000_000_000_000;

/// Amounts of money keep at most 15 significant digits (their mantissa is below this): what a
/// JSON number, read as a float, gives back exactly.
const MAX_MONEY_MANTISSA: u128 = 1_000_000_000_000_000;

/// [`MAX_MONEY`] with thousands separators, for messages.
const MAX_MONEY_TEXT: &str = "1,000,000,000,000";

/// Reads an amount of money exactly; signed when `signed`.
fn money(node: &Node, path: &str, d: &mut Decoder, signed: bool) -> Option<Money> {
    d.note(path, node.pos);
    let expected = if signed {
        "an amount of money (a number)"
    } else {
        "an amount of money, 0 or more"
    };
    let too_large = |d: &mut Decoder, written: &str| -> Option<Money> {
        let p = d.problem(node, path, "the amount of money is too large");
        p.expected = Some(format!(
            "{expected}, at most {MAX_MONEY_TEXT} in absolute value"
        ));
        p.found = Some(written.to_string());
        p.hint = Some(
            "write amounts in whole units of the plan's currency; amounts above a trillion are \
             beyond what the optimiser computes exactly"
                .into(),
        );
        None
    };
    match &node.value {
        Value::Number(s) => {
            let v = Decimal::from_str(s)
                .or_else(|_| Decimal::from_scientific(s))
                .ok();
            match v {
                Some(v) if v.abs() > Decimal::from(MAX_MONEY) => too_large(d, s),
                // More digits than the plan's JSON form (a number, which the store keeps and
                // every door reads back) carries exactly: refused rather than rounded behind
                // the owner's back on one door only.
                Some(v) if v.normalize().mantissa().unsigned_abs() >= MAX_MONEY_MANTISSA => {
                    let p = d.problem(
                        node,
                        path,
                        "the amount of money has more digits than a plan keeps",
                    );
                    p.expected = Some(format!("{expected}, with at most 15 significant digits"));
                    p.found = Some(s.to_string());
                    p.hint = Some(format!(
                        "round it, for example to the cent: {}",
                        v.round_dp(2).normalize()
                    ));
                    None
                }
                Some(v) if signed || v >= Decimal::ZERO => Some(Money(v)),
                Some(_) => {
                    let p = d.problem(node, path, "an amount of money cannot be negative here");
                    p.expected = Some(expected.into());
                    p.found = Some(s.to_string());
                    p.hint = Some("costs and benefits are written as positive amounts".into());
                    None
                }
                // Beyond what a decimal holds (about 7.9 x 10^28) but still a number.
                None if s.parse::<f64>().is_ok_and(|x| x.abs() > 1.0) => too_large(d, s),
                None => d.mismatch(node, path, expected),
            }
        }
        Value::Str(s) => {
            let t = s.trim();
            // A number too large for a float (`1e400`) is read as text; it is still a number.
            if t.parse::<f64>().is_ok_and(f64::is_infinite) {
                return too_large(d, t);
            }
            let p = d.problem(node, path, format!("expected {expected}"));
            p.expected = Some(expected.into());
            p.found = Some(format!("the text {s:?}"));
            // Only currency signs, separators, spaces and quotes are taken out for the hint:
            // the figure suggested is the figure written.
            // Commas count as separators only between groups of three digits (`1,234.56`), so
            // a decimal comma (`1234,56`) gets no hint rather than a wrong one.
            let unsigned: String = t
                .chars()
                .filter(|c| !(c.is_whitespace() || "_'\"$€£¥".contains(*c)))
                .collect();
            let whole = unsigned.split('.').next().unwrap_or("");
            let thousands = whole.split(',').skip(1).all(|g| g.len() == 3);
            let cleaned: String = unsigned.chars().filter(|c| *c != ',').collect();
            let plain = cleaned
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
            if thousands && plain && !cleaned.is_empty() && Decimal::from_str(&cleaned).is_ok() {
                p.hint = Some(format!(
                    "write the number alone, without currency symbols, separators or quotes: {cleaned}"
                ));
            }
            None
        }
        _ => d.mismatch(node, path, expected),
    }
}

impl Decode for Money {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        money(node, path, d, false)
    }
}

/// A signed amount, for explicit cash flows.
struct SignedMoney(Money);

impl Decode for SignedMoney {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        money(node, path, d, true).map(SignedMoney)
    }
}

impl Decode for Estimate {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        if !matches!(node.value, Value::Map(_)) {
            return Money::decode(node, path, d).map(Estimate::point);
        }
        let mut f = d.fields(node, path, "an amount or {low, likely, high}")?;
        let low: Option<Money> = f.req(d, "low");
        let likely: Option<Money> = f.req(d, "likely");
        let high: Option<Money> = f.req(d, "high");
        f.finish(d);
        let (low, likely, high) = (low?, likely?, high?);
        if !(low <= likely && likely <= high) {
            let p = d.problem(
                node,
                path,
                "a three-point estimate must have low <= likely <= high",
            );
            p.expected = Some("low <= likely <= high".into());
            p.found = Some(format!("low {low}, likely {likely}, high {high}"));
            return None;
        }
        Some(Estimate { low, likely, high })
    }
}

impl Decode for MonthsEstimate {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let est = if matches!(node.value, Value::Map(_)) {
            let mut f = d.fields(node, path, "a number of months or {low, likely, high}")?;
            let low: Option<u32> = f.req(d, "low");
            let likely: Option<u32> = f.req(d, "likely");
            let high: Option<u32> = f.req(d, "high");
            f.finish(d);
            let (low, likely, high) = (low?, likely?, high?);
            if !(low <= likely && likely <= high) {
                let p = d.problem(
                    node,
                    path,
                    "a three-point estimate must have low <= likely <= high",
                );
                p.expected = Some("low <= likely <= high".into());
                p.found = Some(format!("low {low}, likely {likely}, high {high}"));
                return None;
            }
            MonthsEstimate { low, likely, high }
        } else {
            MonthsEstimate::point(u32::decode(node, path, d)?)
        };
        if est.low == 0 {
            let p = d.problem(node, path, "an initiative takes at least one month");
            p.expected = Some("a whole number of months, 1 or more".into());
            p.found = Some("0".into());
            return None;
        }
        Some(est)
    }
}

impl Decode for Scenario {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a scenario")?;
        let name: Option<String> = f.req(d, "name");
        let factor = |f: &mut Fields, d: &mut Decoder, key: &'static str| -> f64 {
            let Some(v) = f.opt::<f64>(d, key) else {
                return 1.0;
            };
            if v < 0.0 || !v.is_finite() {
                let at = join(path, key);
                d.push(
                    Problem::new(d.loc(d_loc(node, key)), at, "a factor cannot be negative")
                        .expected("a number, 0 or more (1 leaves the figure as it is)")
                        .found(v.to_string()),
                );
            }
            v
        };
        let budget_factor = factor(&mut f, d, "budget_factor");
        let cost_factor = factor(&mut f, d, "cost_factor");
        let benefit_factor = factor(&mut f, d, "benefit_factor");
        let delays = f.many(d, "delays");
        f.finish(d);
        Some(Scenario {
            name: name?,
            budget_factor,
            cost_factor,
            benefit_factor,
            delays,
        })
    }
}

/// Reads a number and checks it lies in `lo..=hi`.
/// `hi` of `None` means no upper bound.
fn in_range<T>(
    node: &Node,
    path: &str,
    d: &mut Decoder,
    lo: T,
    hi: Option<T>,
    what: &str,
) -> Option<T>
where
    T: Decode + PartialOrd + std::fmt::Display + Copy,
{
    let v = T::decode(node, path, d)?;
    let above = hi.is_some_and(|hi| v > hi);
    if v < lo || above {
        let (message, expected) = match hi {
            Some(hi) => (
                format!("{what} must be between {lo} and {hi}"),
                format!("a value from {lo} to {hi}"),
            ),
            None => (
                format!("{what} cannot be negative"),
                format!("a number, {lo} or more"),
            ),
        };
        let p = d.problem(node, path, message);
        p.expected = Some(expected);
        p.found = Some(v.to_string());
        return None;
    }
    Some(v)
}

macro_rules! ranged {
    ($name:ident, $t:ty, $lo:expr, $hi:expr, $what:expr) => {
        #[doc = concat!("A ", $what, ", from ", stringify!($lo), " to ", stringify!($hi), ".")]
        pub struct $name(pub $t);
        impl Decode for $name {
            fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
                in_range::<$t>(node, path, d, $lo, Some($hi), $what).map($name)
            }
        }
    };
}

ranged!(Strength, u8, 0, 3, "a contribution strength");
ranged!(Score5, u8, 1, 5, "a score");
ranged!(Fraction, f64, 0.0, 1.0, "a fraction");
ranged!(FiscalMonth, u32, 1, 12, "a calendar month number");
ranged!(
    ReviewMonths,
    u32,
    1,
    12,
    "a number of months between reviews"
);
/// A number of 0 or more (hours, for instance).
pub struct Positive(pub f64);
impl Decode for Positive {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        in_range::<f64>(node, path, d, 0.0, None, "an amount").map(Positive)
    }
}

pub(crate) fn enum_value<T: Copy>(
    node: &Node,
    path: &str,
    d: &mut Decoder,
    options: &[(&'static str, T)],
) -> Option<T> {
    d.note(path, node.pos);
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    if let Value::Str(s) = &node.value
        && let Some((_, v)) = options.iter().find(|(n, _)| *n == &**s)
    {
        return Some(*v);
    }
    let expected = format!("one of {}", quoted_list(&names));
    let p = d.problem(node, path, format!("expected {expected}"));
    p.expected = Some(expected);
    p.found = Some(node.value.describe());
    if let Value::Str(s) = &node.value
        && let Some(sug) = did_you_mean(s, names.iter().copied())
    {
        p.hint = Some(format!("did you mean `{sug}`?"));
    }
    None
}

macro_rules! decode_enum {
    ($t:ty { $($name:literal => $v:expr),+ $(,)? }) => {
        impl Decode for $t {
            fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
                enum_value(node, path, d, &[$(($name, $v)),+])
            }
        }
    };
}

decode_enum!(Direction { "up" => Direction::Up, "down" => Direction::Down });
decode_enum!(IntegrationKind { "automated" => IntegrationKind::Automated, "manual" => IntegrationKind::Manual });
decode_enum!(Status {
    "candidate" => Status::Candidate, "planned" => Status::Planned,
    "in_progress" => Status::InProgress, "done" => Status::Done, "cancelled" => Status::Cancelled,
});
decode_enum!(InitiativeKind { "exploit" => InitiativeKind::Exploit, "explore" => InitiativeKind::Explore });
decode_enum!(BenefitKind { "revenue" => BenefitKind::Revenue, "saving" => BenefitKind::Saving });
decode_enum!(FlowPeriod { "month" => FlowPeriod::Month, "quarter" => FlowPeriod::Quarter, "year" => FlowPeriod::Year });
decode_enum!(RiskCategory {
    "security" => RiskCategory::Security, "adoption" => RiskCategory::Adoption,
    "technical" => RiskCategory::Technical, "vendor" => RiskCategory::Vendor,
    "financial" => RiskCategory::Financial, "compliance" => RiskCategory::Compliance,
    "other" => RiskCategory::Other,
});
decode_enum!(Ring { "adopt" => Ring::Adopt, "trial" => Ring::Trial, "assess" => Ring::Assess, "hold" => Ring::Hold });
decode_enum!(Quadrant {
    "practices" => Quadrant::Practices, "software" => Quadrant::Software,
    "platforms" => Quadrant::Platforms, "devices" => Quadrant::Devices,
});

// ---------------------------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------------------------

impl<T: Decode> Decode for Vec<T> {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        let Value::Seq(items) = &node.value else {
            return d.mismatch(node, path, "a list");
        };
        // Entries that fail are left out (their problems are recorded), so that the rest of
        // the plan can still be checked as a whole and every problem reported at once.
        d.map
            .lists
            .insert(path_key(path), items.iter().map(|n| n.pos).collect());
        // Sized by the list only when an entry is small: an entry may be hundreds of bytes where
        // the file wrote two (`1,`), and a list of junk stops at the problems' limit.
        let mut out = if size_of::<T>() <= size_of::<Node>() {
            Vec::with_capacity(items.len())
        } else {
            Vec::new()
        };
        let mut kept = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if d.full() {
                // Enough is reported; the rest of a list of junk is not read.
                d.dropped += 1;
                break;
            }
            match T::decode(item, &format!("{path}[{i}]"), d) {
                Some(v) => {
                    out.push(v);
                    kept.push(i);
                }
                None => {
                    if let Value::Map(entries) = &item.value
                        && let Some((_, id)) = entries.iter().find(|(k, _)| &*k.name == "id")
                        && let Value::Str(id) | Value::Number(id) = &id.value
                    {
                        d.map
                            .broken_ids
                            .entry(path.to_string())
                            .or_default()
                            .push(id.to_string());
                    }
                }
            }
        }
        if kept.len() < items.len() {
            d.map.kept.insert(path.to_string(), kept);
        }
        Some(out)
    }
}

/// A mapping from ids (of `what`) to values read by `value`; each key's location is kept for
/// its path, so that an unknown id points at its name.
fn id_map<V>(
    node: &Node,
    path: &str,
    d: &mut Decoder,
    what: &str,
    expected: &str,
    value: impl Fn(&Node, &str, &mut Decoder) -> Option<V>,
) -> Option<BTreeMap<Id, V>> {
    d.note(path, node.pos);
    let Value::Map(entries) = &node.value else {
        return d.mismatch(node, path, expected);
    };
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (key, v) in entries {
        if d.full() {
            d.dropped += 1;
            return None;
        }
        let p = format!("{path}.{}", key.name);
        let parsed = value(v, &p, d);
        d.note(&p, key.pos);
        let id = match Id::parse(&key.name) {
            Ok(id) => Some(id),
            Err(why) => {
                d.push(
                    Problem::new(
                        d.loc(key.pos),
                        p.clone(),
                        format!("invalid {what} id: {why}"),
                    )
                    .found(format!("{:?}", key.name)),
                );
                None
            }
        };
        match (id, parsed) {
            (Some(id), Some(v)) => {
                out.insert(id, v);
            }
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// A map from goal id to contribution strength 0-3.
impl Decode for BTreeMap<Id, u8> {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        id_map(
            node,
            path,
            d,
            "goal",
            "a mapping of goal ids to strengths 0-3",
            |v, p, d| Strength::decode(v, p, d).map(|s| s.0),
        )
    }
}

/// Measurements: KPI id to a mapping of month to value.
impl Decode for BTreeMap<Id, BTreeMap<Month, f64>> {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        d.note(path, node.pos);
        let Value::Map(entries) = &node.value else {
            return d.mismatch(node, path, "a mapping of KPI ids to {YYYY-MM: value}");
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (key, value) in entries {
            if d.full() {
                d.dropped += 1;
                break;
            }
            let p = format!("{path}.{}", key.name);
            d.note(&p, key.pos);
            let id = match Id::parse(&key.name) {
                Ok(id) => Some(id),
                Err(why) => {
                    d.push(
                        Problem::new(d.loc(key.pos), p.clone(), format!("invalid KPI id: {why}"))
                            .found(format!("{:?}", key.name)),
                    );
                    None
                }
            };
            let Value::Map(months) = &value.value else {
                d.mismatch::<()>(value, &p, "a mapping of months (YYYY-MM) to values");
                ok = false;
                continue;
            };
            let mut series = BTreeMap::new();
            for (mk, mv) in months {
                if d.full() {
                    d.dropped += 1;
                    break;
                }
                let mp = format!("{p}.{}", mk.name);
                d.note(&mp, mk.pos);
                let month = Month::parse(&mk.name);
                if month.is_none() {
                    d.push(
                        Problem::new(
                            d.loc(mk.pos),
                            mp.clone(),
                            "expected a month written `YYYY-MM`",
                        )
                        .expected("a month such as 2027-03")
                        .found(format!("{:?}", mk.name)),
                    );
                }
                let v = f64::decode(mv, &mp, d);
                match (month, v) {
                    (Some(m), Some(v)) => {
                        series.insert(m, v);
                    }
                    _ => ok = false,
                }
            }
            if let Some(id) = id {
                out.insert(id, series);
            } else {
                ok = false;
            }
        }
        // Good entries are kept so that the whole-plan checks still see them; the problems
        // recorded already make the plan invalid.
        let _ = ok;
        Some(out)
    }
}

/// A map from initiative id to a number of months (a scenario's delays).
impl Decode for BTreeMap<Id, u32> {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        id_map(
            node,
            path,
            d,
            "initiative",
            "a mapping of initiative ids to months",
            u32::decode,
        )
    }
}

fn strings(f: &mut Fields<'_>, d: &mut Decoder, name: &'static str) -> Vec<String> {
    f.many(d, name)
}

fn ranged_opt<R, T>(
    f: &mut Fields<'_>,
    d: &mut Decoder,
    name: &'static str,
    get: fn(R) -> T,
) -> Option<T>
where
    R: Decode,
{
    f.opt::<R>(d, name).map(get)
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

impl Decode for PlanDoc {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a plan")?;
        let version: Option<u32> = f.req(d, "version");
        if let (Some(v), Some(vnode)) = (
            version,
            f.entries.iter().find(|(k, _)| &*k.name == "version"),
        ) && v != 1
        {
            let p = d.problem(&vnode.1, "version", "unsupported plan format version");
            p.expected = Some("1".into());
            p.found = Some(v.to_string());
            p.hint = Some("this version of Sextant reads plan files of version 1".into());
        }
        let organization = f.req(d, "organization");
        let swot = f.or(d, "swot", Swot::default());
        let strategy = f.or(d, "strategy", Strategy::default());
        let goals = f.many(d, "goals");
        let kpis = f.many(d, "kpis");
        let staff = f.many(d, "staff");
        let systems = f.many(d, "systems");
        let integrations = f.many(d, "integrations");
        let initiatives = f.many(d, "initiatives");
        let risks = f.many(d, "risks");
        let constraints = f.or(d, "constraints", Constraints::default());
        let phases = f.many(d, "phases");
        let radar = f.many(d, "radar");
        let scenarios = f.many(d, "scenarios");
        let measurements = f.many(d, "measurements");
        f.finish(d);
        Some(PlanDoc {
            version: version?,
            organization: organization?,
            swot,
            strategy,
            goals,
            kpis,
            staff,
            systems,
            integrations,
            initiatives,
            risks,
            constraints,
            phases,
            radar,
            measurements,
            scenarios,
        })
    }
}

impl Decode for Organization {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "the organisation")?;
        let name = f.req(d, "name");
        let industry = f.opt(d, "industry");
        let location = f.opt(d, "location");
        let employees = f.opt(d, "employees");
        let annual_revenue: Option<Money> = f.opt(d, "annual_revenue");
        let currency: Option<String> = f.req(d, "currency");
        let start = f.req(d, "start");
        let horizon_months = f.req::<u32>(d, "horizon_months");
        let evaluation_months = f.opt::<u32>(d, "evaluation_months");
        let discount_rate = f.req::<f64>(d, "discount_rate");
        let fiscal_year_start = ranged_opt(&mut f, d, "fiscal_year_start", |m: FiscalMonth| m.0);
        let gross_margin = ranged_opt(&mut f, d, "gross_margin", |m: Fraction| m.0);
        let lifecycle = f.opt(d, "lifecycle");
        let review_every_months =
            ranged_opt(&mut f, d, "review_every_months", |m: ReviewMonths| m.0);
        f.finish(d);
        let file = d.file.clone();
        let loc = |field: &str| d_loc(node, field).location(&file);
        let mut check = |ok: bool, field: &str, msg: &str, expected: &str, found: String| {
            if !ok {
                d.push(
                    Problem::new(loc(field), join(path, field), msg.to_string())
                        .expected(expected.to_string())
                        .found(found),
                );
            }
        };
        if let Some(c) = &currency {
            check(
                c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()),
                "currency",
                "invalid currency code",
                "a three-letter ISO 4217 code in capitals, e.g. `USD`",
                format!("{c:?}"),
            );
        }
        if let Some(h) = horizon_months {
            check(
                (1..=240).contains(&h),
                "horizon_months",
                "the planning horizon is out of range",
                "1 to 240 months",
                h.to_string(),
            );
        }
        if let (Some(h), Some(e)) = (horizon_months, evaluation_months) {
            check(
                e >= h && e <= 600,
                "evaluation_months",
                "the evaluation horizon must cover the planning horizon",
                &format!("{h} to 600 months (at least horizon_months)"),
                e.to_string(),
            );
        }
        if let Some(r) = discount_rate {
            check(
                (0.0..=1.0).contains(&r),
                "discount_rate",
                "the discount rate must be a fraction between 0 and 1",
                "a fraction such as 0.08 for 8%",
                r.to_string(),
            );
        }
        if let Some(g) = gross_margin {
            check(
                g > 0.0,
                "gross_margin",
                "the gross margin must be above 0",
                "a fraction above 0 and at most 1, such as 0.4",
                g.to_string(),
            );
        }
        Some(Organization {
            name: name?,
            industry,
            location,
            employees,
            annual_revenue,
            currency: currency?,
            start: start?,
            horizon_months: horizon_months?,
            evaluation_months,
            discount_rate: discount_rate?,
            fiscal_year_start: fiscal_year_start.unwrap_or(1),
            gross_margin,
            lifecycle,
            review_every_months,
        })
    }
}

/// The location of a field's value inside a mapping node, or of the mapping itself.
fn d_loc(node: &Node, field: &str) -> Pos {
    if let Value::Map(entries) = &node.value
        && let Some((_, v)) = entries.iter().find(|(k, _)| &*k.name == field)
    {
        return v.pos;
    }
    node.pos
}

impl Decode for Swot {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a SWOT analysis")?;
        let s = Swot {
            strengths: strings(&mut f, d, "strengths"),
            weaknesses: strings(&mut f, d, "weaknesses"),
            opportunities: strings(&mut f, d, "opportunities"),
            threats: strings(&mut f, d, "threats"),
        };
        f.finish(d);
        Some(s)
    }
}

impl Decode for Strategy {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "the strategy")?;
        let s = Strategy {
            value_proposition: f.opt(d, "value_proposition"),
            differentiation: f.opt(d, "differentiation"),
            core_competencies: strings(&mut f, d, "core_competencies"),
        };
        f.finish(d);
        Some(s)
    }
}

impl Decode for Goal {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a goal")?;
        let id = f.req(d, "id");
        let title = f.req(d, "title");
        let description = f.opt(d, "description");
        let kpi = f.opt(d, "kpi");
        let baseline = f.opt(d, "baseline");
        let target = f.opt(d, "target");
        let due = f.opt(d, "due");
        let weight = f.opt::<f64>(d, "weight");
        let owner = f.opt(d, "owner");
        f.finish(d);
        if let Some(w) = weight
            && w <= 0.0
        {
            d.push(
                Problem::new(
                    d.loc(d_loc(node, "weight")),
                    join(path, "weight"),
                    "a goal's weight must be above 0",
                )
                .expected("a number above 0 (1 is the default)")
                .found(w.to_string()),
            );
        }
        Some(Goal {
            id: id?,
            title: title?,
            description,
            kpi,
            baseline,
            target,
            due,
            weight: weight.unwrap_or(1.0),
            owner,
        })
    }
}

impl Decode for Kpi {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a KPI")?;
        let id = f.req(d, "id");
        let name = f.req(d, "name");
        let unit = f.opt(d, "unit");
        let direction = f.or(d, "direction", Direction::Up);
        let definition = f.opt(d, "definition");
        f.finish(d);
        Some(Kpi {
            id: id?,
            name: name?,
            unit,
            direction,
            definition,
        })
    }
}

impl Decode for Staff {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a member of staff")?;
        let name = f.req(d, "name");
        let role = f.opt(d, "role");
        let hours_per_month = ranged_opt(&mut f, d, "hours_per_month", |p: Positive| p.0);
        let skills = strings(&mut f, d, "skills");
        f.finish(d);
        Some(Staff {
            name: name?,
            role,
            hours_per_month,
            skills,
        })
    }
}

impl Decode for System {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a system")?;
        let id = f.req(d, "id");
        let name = f.req(d, "name");
        let category = f.req(d, "category");
        let vendor = f.opt(d, "vendor");
        let annual_cost = f.or(d, "annual_cost", Money::default());
        let users = f.opt(d, "users");
        let satisfaction = ranged_opt(&mut f, d, "satisfaction", |s: Score5| s.0);
        let business_value = ranged_opt(&mut f, d, "business_value", |s: Score5| s.0);
        let technical_health = ranged_opt(&mut f, d, "technical_health", |s: Score5| s.0);
        let installed = f.opt(d, "installed");
        let end_of_life = f.opt(d, "end_of_life");
        let data = strings(&mut f, d, "data");
        let supports = f.many(d, "supports");
        f.finish(d);
        Some(System {
            id: id?,
            name: name?,
            category: category?,
            vendor,
            annual_cost,
            users,
            satisfaction,
            business_value,
            technical_health,
            installed,
            end_of_life,
            data,
            supports,
        })
    }
}

impl Decode for Integration {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "an integration")?;
        let from = f.req(d, "from");
        let to = f.req(d, "to");
        let kind = f.req(d, "kind");
        let data = f.opt(d, "data");
        let hours_per_month = ranged_opt(&mut f, d, "hours_per_month", |p: Positive| p.0);
        f.finish(d);
        Some(Integration {
            from: from?,
            to: to?,
            kind: kind?,
            data,
            hours_per_month,
        })
    }
}

impl Decode for Initiative {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "an initiative")?;
        let id = f.req(d, "id");
        let title = f.req(d, "title");
        let description = f.opt(d, "description");
        let owner = f.opt(d, "owner");
        let vendor = f.opt(d, "vendor");
        let status = f.or(d, "status", Status::Candidate);
        let one_time_cost = f.or(d, "one_time_cost", Estimate::default());
        let recurring_cost_annual = f.or(d, "recurring_cost_annual", Estimate::default());
        let benefits = f.many(d, "benefits");
        let cash_flows = f.opt(d, "cash_flows");
        let duration_months = f.req::<MonthsEstimate>(d, "duration_months");
        let effort = ranged_opt(&mut f, d, "effort_hours_per_month", |p: Positive| p.0);
        let depends_on = f.many(d, "depends_on");
        let alternative_group = f.opt(d, "alternative_group");
        let mandatory = f.or(d, "mandatory", false);
        let kind = f.or(d, "kind", InitiativeKind::Exploit);
        let contributes = f.many(d, "contributes");
        let start = f.opt(d, "start");
        let replaces = f.many(d, "replaces");
        let affects_staff = f.opt(d, "affects_staff");
        let training = f.opt(d, "training");
        let change_plan = f.opt(d, "change_plan");
        let handles_customer_data = f.or(d, "handles_customer_data", false);
        let actual_cost = f.opt(d, "actual_cost");
        let started = f.opt(d, "started");
        let launched = f.opt(d, "launched");
        let done_by = f.opt(d, "done_by");
        f.finish(d);
        Some(Initiative {
            id: id?,
            title: title?,
            description,
            owner,
            vendor,
            status,
            one_time_cost,
            recurring_cost_annual,
            benefits,
            cash_flows,
            duration_months: duration_months?,
            effort_hours_per_month: effort.unwrap_or(0.0),
            depends_on,
            alternative_group,
            mandatory,
            kind,
            contributes,
            start,
            replaces,
            affects_staff,
            training,
            change_plan,
            handles_customer_data,
            actual_cost,
            started,
            launched,
            done_by,
        })
    }
}

impl Decode for Benefit {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a benefit")?;
        let kind = f.req(d, "kind");
        let annual = f.req(d, "annual");
        let goal = f.opt(d, "goal");
        let description = f.opt(d, "description");
        f.finish(d);
        Some(Benefit {
            kind: kind?,
            annual: annual?,
            goal,
            description,
        })
    }
}

impl Decode for CashFlows {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "explicit cash flows")?;
        let period = f.req(d, "period");
        let values: Option<Vec<SignedMoney>> = f.req(d, "values");
        f.finish(d);
        Some(CashFlows {
            period: period?,
            values: values?.into_iter().map(|m| m.0).collect(),
        })
    }
}

impl Decode for Risk {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a risk")?;
        let id = f.req(d, "id");
        let title = f.req(d, "title");
        let initiative = f.opt(d, "initiative");
        let system = f.opt(d, "system");
        let category = f.or(d, "category", RiskCategory::Other);
        let likelihood = f.req::<Score5>(d, "likelihood");
        let impact = f.req::<Score5>(d, "impact");
        let mitigation = f.opt(d, "mitigation");
        let owner = f.opt(d, "owner");
        let residual_likelihood = ranged_opt(&mut f, d, "residual_likelihood", |s: Score5| s.0);
        let residual_impact = ranged_opt(&mut f, d, "residual_impact", |s: Score5| s.0);
        let probability = ranged_opt(&mut f, d, "probability", |p: Fraction| p.0);
        let cost = f.opt(d, "cost");
        let delay_months = f.opt(d, "delay_months");
        f.finish(d);
        Some(Risk {
            id: id?,
            title: title?,
            initiative,
            system,
            category,
            likelihood: likelihood?.0,
            impact: impact?.0,
            mitigation,
            owner,
            residual_likelihood,
            residual_impact,
            probability,
            cost,
            delay_months,
        })
    }
}

impl Decode for Constraints {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "the constraints")?;
        let c = Constraints {
            budget: f.many(d, "budget"),
            staff_hours_per_month: ranged_opt(&mut f, d, "staff_hours_per_month", |p: Positive| {
                p.0
            }),
            max_concurrent: f.opt(d, "max_concurrent"),
            min_explore_share: ranged_opt(&mut f, d, "min_explore_share", |p: Fraction| p.0),
        };
        f.finish(d);
        if c.max_concurrent == Some(0) {
            d.push(
                Problem::new(
                    d.loc(d_loc(node, "max_concurrent")),
                    join(path, "max_concurrent"),
                    "at most 0 initiatives under way leaves nothing to do",
                )
                .expected("a whole number, 1 or more (or leave it out for no limit)")
                .found("0"),
            );
            return None;
        }
        Some(c)
    }
}

impl Decode for Budget {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a budget")?;
        let period = f.req(d, "period");
        let amount = f.req(d, "amount");
        f.finish(d);
        Some(Budget {
            period: period?,
            amount: amount?,
        })
    }
}

impl Decode for Phase {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a phase")?;
        let id = f.req(d, "id");
        let name = f.req(d, "name");
        let description = f.opt(d, "description");
        let initiatives = f.many(d, "initiatives");
        f.finish(d);
        Some(Phase {
            id: id?,
            name: name?,
            description,
            initiatives,
        })
    }
}

impl Decode for RadarItem {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a radar entry")?;
        let technology = f.req(d, "technology");
        let ring = f.req(d, "ring");
        let quadrant = f.opt(d, "quadrant");
        let note = f.opt(d, "note");
        f.finish(d);
        Some(RadarItem {
            technology: technology?,
            ring: ring?,
            quadrant,
            note,
        })
    }
}
