//! The plan file as a tree of nodes that remember where they were written.
//!
//! YAML and JSON are both read by one YAML 1.2 parser (JSON is, for a plan file's purposes, a
//! subset of YAML), so every value of either format carries its line and column. The decoder in
//! [`crate::decode`] walks this tree; semantic checks later in [`crate::validate`] point at the
//! same places through the locations kept here.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diag::{Location, Problem};

mod guard;
mod json;

pub use guard::MAX_INLINE;

/// Where a value is written: line and column, both from 1 (the file is named once, by the
/// caller, not in every value: a plan of two million values would otherwise hold two million
/// copies of its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1, in characters.
    pub column: u32,
}

impl Pos {
    /// The position as a [`Location`] in `file`.
    pub fn location(self, file: &Arc<str>) -> Location {
        Location {
            file: file.clone(),
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// One value of the document with its position.
///
/// The tree is kept small (32 bytes a value, text in boxed strings, lists and mappings in boxed
/// slices) because a plan file's values can be as short as two bytes (`1,`): at four times that
/// per value the tree of a hostile file would be far larger than the file.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value.
    pub value: Value,
}

/// The shapes a value can take.
#[derive(Debug, Clone)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (kept as text so money can be read exactly).
    Number(Box<str>),
    /// A string.
    Str(Box<str>),
    /// A list.
    Seq(Box<[Node]>),
    /// A mapping; keys are strings with their own positions, in document order.
    Map(Box<[(Key, Node)]>),
}

/// A mapping key.
#[derive(Debug, Clone)]
pub struct Key {
    /// The key's text.
    pub name: Box<str>,
    /// Where the key is written.
    pub pos: Pos,
}

impl Value {
    /// How the value is described to a user in "found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "nothing (an empty value)".to_string(),
            Value::Bool(b) => format!("the boolean {b}"),
            Value::Number(n) => format!("the number {n}"),
            Value::Str(s) => format!("the text {s:?}"),
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a mapping".to_string(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The largest plan file read, in bytes (10 MiB). A plan of 10,000 initiatives with every
/// optional field written is about 5 MB.
pub const MAX_PLAN_BYTES: usize = 10 * 1024 * 1024;

/// The most values an alias (`*name`) may copy into the document, all aliases together.
///
/// An alias stands for a copy of its anchor's value, and an alias of a list of aliases copies
/// each of those again, so a few hundred bytes can stand for billions of values (the "billion
/// laughs" file). Plans use aliases to repeat a small block (a team, a set of contributions), so
/// the copies are capped well above that and well below what would exhaust memory.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// The most text (bytes of scalars and keys) aliases may copy into the document, all aliases
/// together: 1 MB.
///
/// Counting values alone let one long string aliased ten thousand times (130 KB of file) copy a
/// gigabyte; the copies' text is counted too.
pub const MAX_ALIAS_BYTES: usize = 1_000_000;

/// The most values a plan document may hold, aliases expanded. A plan of 10,000 initiatives
/// with every optional field written holds about half of this.
pub const MAX_NODES: usize = 2_000_000;

/// The problem of a plan file larger than [`MAX_PLAN_BYTES`] (`bytes`, when known), for the
/// doors that refuse it before reading it all.
pub fn too_large(file: &str, bytes: Option<u64>) -> Problem {
    Problem::new(Location::new(file, 1, 1), "", "the file is too large")
        .expected(format!(
            "a plan file of at most {MAX_PLAN_BYTES} bytes ({} MiB)",
            MAX_PLAN_BYTES / (1024 * 1024)
        ))
        .found(match bytes {
            Some(n) => format!("{n} bytes"),
            None => format!("more than {MAX_PLAN_BYTES} bytes"),
        })
        .hint("split the plan into smaller plans")
}

/// Parses YAML (or JSON) text into a [`Node`] tree.
///
/// `file` names the source in problems' locations. A syntax error is returned as a single
/// [`Problem`]; an empty document becomes a `Null` node. A text longer than [`MAX_PLAN_BYTES`]
/// is refused before it is read; a document whose aliases copy more than [`MAX_ALIAS_NODES`]
/// values or [`MAX_ALIAS_BYTES`] bytes of text, that holds more than [`MAX_NODES`] values, or
/// that nests deeper than [`MAX_DEPTH`], is refused at the alias or value that crosses the
/// limit.
pub fn parse(file: &str, text: &str) -> Result<Node, Box<Problem>> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(Box::new(too_large(file, Some(text.len() as u64))));
    }
    let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if body.starts_with(['{', '[']) {
        let mut builder = Builder::new(file);
        match json::read(text, &mut builder) {
            Ok(()) => return Ok(builder.finish()),
            Err(json::Error::Refused(p)) => return Err(p),
            // YAML written inline, or a syntax error: the YAML parser reads it and names it.
            Err(json::Error::NotJson) => {}
        }
    }
    parse_yaml(file, text)
}

/// Reads text with the YAML parser (YAML, or JSON the JSON reader left to it).
fn parse_yaml(file: &str, text: &str) -> Result<Node, Box<Problem>> {
    let mut builder = Builder::new(file);
    let budget = Rc::new(guard::Budget::default());
    let mut parser = Parser::new(guard::Guarded::new(text, budget.clone()));
    let mut last = Span::default();
    let too_long = |last: Span| {
        Box::new(
            Problem::new(
                Location::new(file, last.end.line().max(1), last.end.col() + 1),
                "",
                "a list or mapping written inline ([...] or {...}) is too long to read",
            )
            .expected(format!(
                "inline lists and mappings of at most {} entries (commas and opening brackets), \
                 or a plan file in JSON",
                guard::MAX_INLINE
            ))
            .found("more after this point, before the list or mapping is closed")
            .hint("write long lists one item a line (`- item`)"),
        )
    };
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            if budget.over.get() {
                return too_long(last);
            }
            let m = e.marker();
            Box::new(
                Problem::new(
                    Location::new(file, m.line(), m.col() + 1),
                    "",
                    format!("the file is not valid YAML or JSON: {}", e.info()),
                )
                .expected("a YAML or JSON document"),
            )
        })?;
        budget.since.set(0);
        last = span;
        builder.event(event, span)?;
    }
    if budget.over.get() {
        return Err(too_long(last));
    }
    Ok(builder.finish())
}

/// The deepest nesting of lists and mappings a plan may have (a plan needs about 6).
pub const MAX_DEPTH: usize = 128;

/// How many entries a mapping has before its keys are also kept in a hash set, so that finding
/// a key written twice stays linear in the mapping's size.
const LINEAR_KEYS: usize = 16;

/// What a finished value counts for: values, and bytes of text (scalars and keys).
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
}

/// A list or mapping being read: where it starts, its anchor, the counts of the document
/// before it, and its items so far.
enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        before: Size,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        before: Size,
        entries: Vec<(Key, Node)>,
        pending: Option<Key>,
        /// Hashes of the keys, once there are more than [`LINEAR_KEYS`].
        hashes: HashSet<u64>,
    },
}

struct Builder<'a> {
    file: &'a str,
    stack: Vec<Frame>,
    /// Each anchor's value and what it counts for.
    anchors: HashMap<usize, (Node, Size)>,
    root: Option<Node>,
    documents: usize,
    /// Values in the document so far, aliases expanded.
    nodes: usize,
    /// Bytes of text in the document so far, aliases expanded.
    bytes: usize,
    /// Values copied by aliases so far.
    alias_nodes: usize,
    /// Bytes of text copied by aliases so far.
    alias_bytes: usize,
    hasher: std::collections::hash_map::RandomState,
}

fn pos(span: Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

impl<'f> Builder<'f> {
    fn new(file: &'f str) -> Self {
        Builder {
            file,
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            documents: 0,
            nodes: 0,
            bytes: 0,
            alias_nodes: 0,
            alias_bytes: 0,
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    /// The document read: its root, or `Null` for an empty one.
    fn finish(self) -> Node {
        self.root.unwrap_or(Node {
            pos: Pos { line: 1, column: 1 },
            value: Value::Null,
        })
    }

    fn loc(&self, span: Span) -> Location {
        Location::new(self.file, span.start.line(), span.start.col() + 1)
    }

    fn size(&self) -> Size {
        Size {
            nodes: self.nodes,
            bytes: self.bytes,
        }
    }

    fn since(&self, before: Size) -> Size {
        Size {
            nodes: self.nodes - before.nodes,
            bytes: self.bytes - before.bytes,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Box<Problem>> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Box::new(
                        Problem::new(
                            self.loc(span),
                            "",
                            "the file holds more than one YAML document",
                        )
                        .expected("one plan per file")
                        .found("a second document (a line with `---`)")
                        .hint("split the plans into separate files"),
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let size = Size {
                    nodes: 1,
                    bytes: text.len(),
                };
                self.count(span, size)?;
                let node = Node {
                    pos: pos(span),
                    value: scalar(text, style, tag.as_deref().map(|t| t.suffix.as_str())),
                };
                self.push(node, anchor, size)?;
            }
            Event::SequenceStart(anchor, _) => {
                let before = self.open(span)?;
                self.stack.push(Frame::Seq {
                    pos: pos(span),
                    anchor,
                    before,
                    items: Vec::new(),
                })
            }
            Event::MappingStart(anchor, _) => {
                let before = self.open(span)?;
                self.stack.push(Frame::Map {
                    pos: pos(span),
                    anchor,
                    before,
                    entries: Vec::new(),
                    pending: None,
                    hashes: HashSet::new(),
                })
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    pos,
                    anchor,
                    before,
                    items,
                }) = self.stack.pop()
                {
                    let node = Node {
                        pos,
                        value: Value::Seq(items.into_boxed_slice()),
                    };
                    self.push(node, anchor, self.since(before))?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    pos,
                    anchor,
                    before,
                    entries,
                    ..
                }) = self.stack.pop()
                {
                    let node = Node {
                        pos,
                        value: Value::Map(entries.into_boxed_slice()),
                    };
                    self.push(node, anchor, self.since(before))?;
                }
            }
            Event::Alias(id) => {
                let size = self
                    .anchors
                    .get(&id)
                    .map(|(_, size)| *size)
                    .ok_or_else(|| {
                        Problem::new(self.loc(span), "", "an alias refers to an unknown anchor")
                    })?;
                self.alias_nodes = self.alias_nodes.saturating_add(size.nodes);
                self.alias_bytes = self.alias_bytes.saturating_add(size.bytes);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(Box::new(
                        Problem::new(
                            self.loc(span),
                            "",
                            "the file's aliases (`*name`) copy too many values",
                        )
                        .expected(format!(
                            "aliases that copy at most {MAX_ALIAS_NODES} values in all"
                        ))
                        .found(format!(
                            "this alias brings the copies to {} values",
                            self.alias_nodes
                        ))
                        .hint("write the repeated values out, or repeat a smaller block"),
                    ));
                }
                if self.alias_bytes > MAX_ALIAS_BYTES {
                    return Err(Box::new(
                        Problem::new(
                            self.loc(span),
                            "",
                            "the file's aliases (`*name`) copy too much text",
                        )
                        .expected(format!(
                            "aliases that copy at most {MAX_ALIAS_BYTES} bytes of text in all"
                        ))
                        .found(format!(
                            "this alias brings the copies to {} bytes",
                            self.alias_bytes
                        ))
                        .hint("write the repeated text out, or repeat a shorter block"),
                    ));
                }
                self.count(span, size)?;
                let node = self.anchors.get(&id).map(|(node, _)| node.clone());
                if let Some(node) = node {
                    self.push(node, 0, size)?;
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Counts `n` more values in the document, refusing a document that grows past [`MAX_NODES`].
    fn count(&mut self, span: Span, n: Size) -> Result<(), Box<Problem>> {
        self.nodes = self.nodes.saturating_add(n.nodes);
        self.bytes = self.bytes.saturating_add(n.bytes);
        if self.nodes > MAX_NODES {
            return Err(Box::new(
                Problem::new(self.loc(span), "", "the file holds too many values")
                    .expected(format!("a plan of at most {MAX_NODES} values"))
                    .found(format!("more than {MAX_NODES} values by this line"))
                    .hint("split the plan into smaller plans"),
            ));
        }
        Ok(())
    }

    /// Starts a list or mapping: counts it, refuses nesting deeper than [`MAX_DEPTH`], and
    /// returns the counts before it.
    fn open(&mut self, span: Span) -> Result<Size, Box<Problem>> {
        let before = self.size();
        self.count(span, Size { nodes: 1, bytes: 0 })?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(Box::new(
                Problem::new(
                    self.loc(span),
                    "",
                    "lists and mappings are nested too deeply",
                )
                .expected(format!("at most {MAX_DEPTH} levels of nesting"))
                .found(format!("level {} here", self.stack.len() + 1)),
            ));
        }
        Ok(before)
    }

    /// Places a finished value in its list or mapping (or at the root), and remembers it under
    /// its anchor with what it counts for.
    fn push(&mut self, node: Node, anchor: usize, size: Size) -> Result<(), Box<Problem>> {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let hasher = &self.hasher;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending,
                hashes,
                ..
            }) => match pending.take() {
                None => {
                    let name: Box<str> = match node.value {
                        Value::Str(s) | Value::Number(s) => s,
                        Value::Bool(b) => b.to_string().into_boxed_str(),
                        Value::Null => Box::from(""),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(Box::new(
                                Problem::new(
                                    node.pos.location(&Arc::from(self.file)),
                                    "",
                                    "a mapping key must be plain text",
                                )
                                .found("a list or mapping used as a key"),
                            ));
                        }
                    };
                    // Past a few keys, a key's hash is looked up first: only a hash seen before
                    // (a repeated key, or a rare collision) costs a scan of the entries.
                    let maybe_seen = if entries.len() < LINEAR_KEYS {
                        true
                    } else {
                        if hashes.is_empty() {
                            hashes.extend(entries.iter().map(|(k, _)| hasher.hash_one(&k.name)));
                        }
                        !hashes.insert(hasher.hash_one(&name))
                    };
                    let first = maybe_seen
                        .then(|| entries.iter().find(|(k, _)| k.name == name))
                        .flatten();
                    if let Some((first, _)) = first {
                        let first_line = first.pos.line;
                        return Err(Box::new(
                            Problem::new(
                                node.pos.location(&Arc::from(self.file)),
                                "",
                                format!("the key `{name}` appears twice in the same mapping"),
                            )
                            .found(format!("`{name}` already set on line {first_line}"))
                            .hint("remove one of the two"),
                        ));
                    }
                    *pending = Some(Key {
                        name,
                        pos: node.pos,
                    });
                }
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema; quoted scalars are always strings.
fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&str>) -> Value {
    if style != ScalarStyle::Plain || tag == Some("str") {
        return Value::Str(text.into());
    }
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t if is_number(t) => Value::Number(t.into()),
        _ => Value::Str(text.into()),
    }
}

fn is_number(t: &str) -> bool {
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return false;
    }
    t.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn root(text: &str) -> Node {
        match parse("t.yaml", text) {
            Ok(n) => n,
            Err(p) => panic!("{p}"),
        }
    }

    #[test]
    fn locations_are_one_based() {
        let n = root("a: 1\nb:\n  - x\n  - 2.5\n");
        let Value::Map(entries) = n.value else {
            panic!("map expected")
        };
        assert_eq!(&*entries[1].0.name, "b");
        assert_eq!((entries[1].0.pos.line, entries[1].0.pos.column), (2, 1));
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("seq expected")
        };
        assert_eq!((items[1].pos.line, items[1].pos.column), (4, 5));
        assert!(matches!(&items[1].value, Value::Number(s) if &**s == "2.5"));
    }

    #[test]
    fn json_is_read_with_locations() {
        let n = root("{\"a\": [1, \"two\", true, null]}");
        let Value::Map(entries) = n.value else {
            panic!("map expected")
        };
        let Value::Seq(items) = &entries[0].1.value else {
            panic!("seq expected")
        };
        assert!(matches!(items[1].value, Value::Str(_)));
        assert!(matches!(items[2].value, Value::Bool(true)));
        assert!(matches!(items[3].value, Value::Null));
        assert_eq!(items[1].pos.column, 11);
    }

    #[test]
    fn quoted_numbers_stay_text() {
        let n = root("a: '12'\nb: 12\nc: 1e3\nd: .5\ne: 2027-01\n");
        let Value::Map(e) = n.value else {
            panic!("map expected")
        };
        assert!(matches!(e[0].1.value, Value::Str(_)));
        assert!(matches!(e[1].1.value, Value::Number(_)));
        assert!(matches!(e[2].1.value, Value::Number(_)));
        assert!(matches!(e[3].1.value, Value::Number(_)));
        assert!(matches!(e[4].1.value, Value::Str(_)));
    }

    #[test]
    fn syntax_error_has_a_location() {
        let err = parse("p.yaml", "a: [1, 2\nb: 3\n")
            .err()
            .map(|p| p.to_string());
        let text = err.unwrap_or_default();
        assert!(text.starts_with("p.yaml:"), "{text}");
        assert!(text.contains("not valid YAML"), "{text}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = parse("p.yaml", "a: 1\nb: 2\na: 3\n")
            .err()
            .map(|p| p.render(None));
        let text = err.unwrap_or_default();
        assert!(text.contains("p.yaml:3:1"), "{text}");
        assert!(text.contains("the key `a` appears twice"), "{text}");
        assert!(text.contains("already set on line 1"), "{text}");
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let n = root("a: &x {k: 1}\nb: *x\n");
        let Value::Map(e) = n.value else {
            panic!("map expected")
        };
        assert!(matches!(e[1].1.value, Value::Map(_)));
    }

    /// Nine levels of ten aliases each: 386 bytes that would stand for a billion values.
    fn billion_laughs() -> String {
        let mut text = String::from("a0: &a0 [lol]\n");
        for level in 1..=9 {
            let prev = format!("*a{}", level - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        text
    }

    #[test]
    fn alias_expansion_is_capped() {
        let text = billion_laughs();
        let err = parse("bomb.yaml", &text).err().map(|p| p.render(None));
        let text = err.unwrap_or_default();
        // a0 is a list of one value (2 values), a1 = 1 + 10 x 2 = 21, a2 = 211, a3 = 2,111,
        // a4 = 21,111. Lines 2-5 copy 10 x (2 + 21 + 211 + 2,111) = 23,450 values; on line 6
        // the 4th alias of a4 (column 25) brings the copies to 23,450 + 4 x 21,111 = 107,894.
        assert!(
            text.contains("bomb.yaml:6:25:"),
            "the error names the line of the alias that crosses the cap: {text}"
        );
        assert!(
            text.contains("the file's aliases (`*name`) copy too many values"),
            "{text}"
        );
        assert!(
            text.contains("aliases that copy at most 100000 values in all"),
            "{text}"
        );
        assert!(
            text.contains("this alias brings the copies to 107894 values"),
            "{text}"
        );
    }

    #[test]
    fn a_few_aliases_are_fine() {
        let n = root("team: &t {name: x, size: 3}\na: *t\nb: *t\nc: [*t, *t]\n");
        let Value::Map(e) = n.value else {
            panic!("map expected")
        };
        assert_eq!(e.len(), 4);
    }

    /// Any JSON value.
    fn json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value as J;
        let leaf = prop_oneof![
            Just(J::Null),
            any::<bool>().prop_map(J::Bool),
            any::<i64>().prop_map(J::from),
            (-1e300f64..1e300).prop_map(J::from),
            "[a-zA-Z0-9 \"\\/\t\n\u{e9}\u{1F600}\u{1}:#,\\[\\]{}&*!|>'-]{0,12}".prop_map(J::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(J::Array),
                prop::collection::btree_map("[a-z\"\\ :#\u{e9}]{0,6}", inner, 0..6)
                    .prop_map(|m| J::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The JSON reader reads any JSON as the YAML parser does: the same values at the same
        /// lines and columns.
        #[test]
        fn json_reads_as_the_yaml_parser_reads_it(v in json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            }
            .unwrap_or_default();
            let mut b = Builder::new("t.json");
            let by_json = match json::read(&text, &mut b) {
                Ok(()) => Ok(b.finish()),
                Err(json::Error::Refused(p)) => Err(p.to_string()),
                Err(json::Error::NotJson) => Err("not JSON".to_string()),
            };
            let by_yaml = parse_yaml("t.json", &text).map_err(|p| p.to_string());
            // Only collections start the JSON reader; a scalar alone is compared all the same.
            prop_assert_eq!(format!("{by_json:?}"), format!("{by_yaml:?}"), "{}", text);
        }
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        // The YAML parser itself stops at 256 levels; the plan reader stops at 128.
        let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse("deep.yaml", &text).err().map(|p| p.render(None));
        let text = err.unwrap_or_default();
        assert!(text.contains("deep.yaml:1:129"), "{text}");
        assert!(
            text.contains("lists and mappings are nested too deeply"),
            "{text}"
        );
        assert!(text.contains("at most 128 levels of nesting"), "{text}");
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse("deep.yaml", &text).err().map(|p| p.render(None));
        assert!(err.unwrap_or_default().contains("deep.yaml:1:"));
    }
}
