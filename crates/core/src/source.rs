//! The plan file as a tree of nodes that remember where they were written.
//!
//! YAML and JSON are both read by one YAML 1.2 parser (JSON is, for a plan file's purposes, a
//! subset of YAML), so every value of either format carries its line and column. The decoder in
//! [`crate::decode`] walks this tree; semantic checks later in [`crate::validate`] point at the
//! same places through the locations kept here.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diag::{Location, Problem};

/// One value of the document with its location.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the value starts.
    pub loc: Location,
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
    Number(String),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping; keys are strings with their own locations, in document order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key.
#[derive(Debug, Clone)]
pub struct Key {
    /// The key's text.
    pub name: String,
    /// Where the key is written.
    pub loc: Location,
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

/// The most values an alias (`*name`) may copy into the document, all aliases together.
///
/// An alias stands for a copy of its anchor's value, and an alias of a list of aliases copies
/// each of those again, so a few hundred bytes can stand for billions of values (the "billion
/// laughs" file). Plans use aliases to repeat a small block (a team, a set of contributions), so
/// the copies are capped well above that and well below what would exhaust memory.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// The most values a plan document may hold, aliases expanded. A plan of 10,000 initiatives
/// with every optional field written holds about half of this.
pub const MAX_NODES: usize = 2_000_000;

/// Parses YAML (or JSON) text into a [`Node`] tree.
///
/// `file` names the source in locations. A syntax error is returned as a single [`Problem`];
/// an empty document becomes a `Null` node. A document whose aliases copy more than
/// [`MAX_ALIAS_NODES`] values, or that holds more than [`MAX_NODES`] values, is refused at the
/// alias or value that crosses the limit.
pub fn parse(file: &str, text: &str) -> Result<Node, Box<Problem>> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        documents: 0,
        nodes: 0,
        alias_nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            Problem::new(
                Location::new(file, m.line(), m.col() + 1),
                "",
                format!("the file is not valid YAML or JSON: {}", e.info()),
            )
            .expected("a YAML or JSON document")
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.root.unwrap_or(Node {
        loc: Location::new(file, 1, 1),
        value: Value::Null,
    }))
}

/// The deepest nesting of lists and mappings a plan may have (a plan needs about 6).
pub const MAX_DEPTH: usize = 128;

/// A list or mapping being read: its location, its anchor, the number of values in the
/// document before it, and its items so far.
enum Frame {
    Seq(Location, usize, usize, Vec<Node>),
    Map(Location, usize, usize, Vec<(Key, Node)>, Option<Key>),
}

struct Builder<'a> {
    file: &'a str,
    stack: Vec<Frame>,
    /// Each anchor's value and the number of values in it.
    anchors: HashMap<usize, (Node, usize)>,
    root: Option<Node>,
    documents: usize,
    /// Values in the document so far, aliases expanded.
    nodes: usize,
    /// Values copied by aliases so far.
    alias_nodes: usize,
}

impl Builder<'_> {
    fn loc(&self, span: Span) -> Location {
        Location::new(self.file, span.start.line(), span.start.col() + 1)
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
                self.count(span, 1)?;
                let node = Node {
                    loc: self.loc(span),
                    value: scalar(text, style, tag.as_deref().map(|t| t.suffix.as_str())),
                };
                self.push(node, anchor, 1)?;
            }
            Event::SequenceStart(anchor, _) => {
                let before = self.open(span)?;
                self.stack
                    .push(Frame::Seq(self.loc(span), anchor, before, Vec::new()))
            }
            Event::MappingStart(anchor, _) => {
                let before = self.open(span)?;
                self.stack
                    .push(Frame::Map(self.loc(span), anchor, before, Vec::new(), None))
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(loc, anchor, before, items)) = self.stack.pop() {
                    let node = Node {
                        loc,
                        value: Value::Seq(items),
                    };
                    self.push(node, anchor, self.nodes - before)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(loc, anchor, before, entries, _)) = self.stack.pop() {
                    let node = Node {
                        loc,
                        value: Value::Map(entries),
                    };
                    self.push(node, anchor, self.nodes - before)?;
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
                self.alias_nodes = self.alias_nodes.saturating_add(size);
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
    fn count(&mut self, span: Span, n: usize) -> Result<(), Box<Problem>> {
        self.nodes = self.nodes.saturating_add(n);
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
    /// returns the number of values before it.
    fn open(&mut self, span: Span) -> Result<usize, Box<Problem>> {
        let before = self.nodes;
        self.count(span, 1)?;
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

    /// Places a finished value of `size` values in its list or mapping (or at the root), and
    /// remembers it under its anchor.
    fn push(&mut self, node: Node, anchor: usize, size: usize) -> Result<(), Box<Problem>> {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(_, _, _, items)) => items.push(node),
            Some(Frame::Map(_, _, _, entries, pending)) => match pending.take() {
                None => {
                    let name = match node.value {
                        Value::Str(s) | Value::Number(s) => s,
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(Box::new(
                                Problem::new(node.loc, "", "a mapping key must be plain text")
                                    .found("a list or mapping used as a key"),
                            ));
                        }
                    };
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.name == name) {
                        let first_line = first.loc.line;
                        return Err(Box::new(
                            Problem::new(
                                node.loc,
                                "",
                                format!("the key `{name}` appears twice in the same mapping"),
                            )
                            .found(format!("`{name}` already set on line {first_line}"))
                            .hint("remove one of the two"),
                        ));
                    }
                    *pending = Some(Key {
                        name,
                        loc: node.loc,
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
        return Value::Str(text.into_owned());
    }
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t if is_number(t) => Value::Number(t.to_string()),
        _ => Value::Str(text.into_owned()),
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
        assert_eq!(entries[1].0.name, "b");
        assert_eq!((entries[1].0.loc.line, entries[1].0.loc.column), (2, 1));
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("seq expected")
        };
        assert_eq!((items[1].loc.line, items[1].loc.column), (4, 5));
        assert!(matches!(&items[1].value, Value::Number(s) if s == "2.5"));
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
        assert_eq!(items[1].loc.column, 11);
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
