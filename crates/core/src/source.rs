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

/// Parses YAML (or JSON) text into a [`Node`] tree.
///
/// `file` names the source in locations. A syntax error is returned as a single [`Problem`];
/// an empty document becomes a `Null` node.
pub fn parse(file: &str, text: &str) -> Result<Node, Box<Problem>> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        documents: 0,
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

enum Frame {
    Seq(Location, usize, Vec<Node>),
    Map(Location, usize, Vec<(Key, Node)>, Option<Key>),
}

struct Builder<'a> {
    file: &'a str,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    documents: usize,
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
                let node = Node {
                    loc: self.loc(span),
                    value: scalar(text, style, tag.as_deref().map(|t| t.suffix.as_str())),
                };
                self.push(node, anchor)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.stack
                    .push(Frame::Seq(self.loc(span), anchor, Vec::new()))
            }
            Event::MappingStart(anchor, _) => {
                self.stack
                    .push(Frame::Map(self.loc(span), anchor, Vec::new(), None))
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(loc, anchor, items)) = self.stack.pop() {
                    let node = Node {
                        loc,
                        value: Value::Seq(items),
                    };
                    self.push(node, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(loc, anchor, entries, _)) = self.stack.pop() {
                    let node = Node {
                        loc,
                        value: Value::Map(entries),
                    };
                    self.push(node, anchor)?;
                }
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| {
                    Problem::new(self.loc(span), "", "an alias refers to an unknown anchor")
                })?;
                self.push(node, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn push(&mut self, node: Node, anchor: usize) -> Result<(), Box<Problem>> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq(_, _, items)) => items.push(node),
            Some(Frame::Map(_, _, entries, pending)) => match pending.take() {
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
}
