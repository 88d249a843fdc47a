//! Problems found in a plan file, reported as a user would want to read them: where (file, line,
//! column and field path), what was expected, what was found, and how to fix it.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A position in a source file; line and column count from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file's name as the user gave it.
    pub file: Arc<str>,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl Location {
    /// A location in `file` at `line` and `column` (both from 1).
    pub fn new(file: impl Into<Arc<str>>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One thing wrong with a plan file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where it is.
    #[serde(flatten)]
    pub location: Location,
    /// The field path, e.g. `initiatives[2].depends_on[0]`; empty for the whole document.
    pub path: String,
    /// What is wrong, in a sentence.
    pub message: String,
    /// What the field should hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What it holds instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Problem {
    /// A problem at `location` concerning `path`.
    pub fn new(location: Location, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            location,
            path: path.into(),
            message: message.into(),
            expected: None,
            found: None,
            hint: None,
        }
    }

    /// Says what was expected.
    #[must_use]
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Says what was found.
    #[must_use]
    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    /// Says how to fix it.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Renders the problem with the offending source line and a caret under the column.
    pub fn render(&self, source: Option<&str>) -> String {
        let line = source.and_then(|s| s.lines().nth(self.location.line.wrapping_sub(1)));
        self.render_line(line.map(SourceLine::new).as_ref())
    }

    /// Renders the problem under its source line, when known.
    fn render_line(&self, line: Option<&SourceLine<'_>>) -> String {
        let mut out = format!("error: {self}\n");
        if let Some((shown, caret)) = line.and_then(|l| l.excerpt(self.location.column)) {
            let num = self.location.line.to_string();
            let pad = " ".repeat(num.len());
            let caret = " ".repeat(caret);
            out.push_str(&format!("{pad} |\n{num} | {shown}\n{pad} | {caret}^\n"));
        }
        for (label, value) in [
            ("expected", &self.expected),
            ("found", &self.found),
            ("hint", &self.hint),
        ] {
            if let Some(v) = value {
                out.push_str(&format!("  = {label}: {v}\n"));
            }
        }
        out
    }
}

/// The most characters of a source line shown under a problem; a longer line (a whole JSON
/// file on one line) is shown as an excerpt around the column.
const SHOWN: usize = 100;

/// A line of the source, as shown under problems.
struct SourceLine<'a> {
    text: &'a str,
    ascii: bool,
}

impl<'a> SourceLine<'a> {
    fn new(text: &'a str) -> Self {
        SourceLine {
            text,
            ascii: text.is_ascii(),
        }
    }

    /// What is shown of the line for a problem at `column` (from 1), and the caret's offset.
    /// `None` for a long line that is not ASCII (finding the column would mean counting
    /// characters for every problem).
    fn excerpt(&self, column: usize) -> Option<(String, usize)> {
        let at = column.saturating_sub(1);
        if self.text.len() <= SHOWN {
            return Some((self.text.to_string(), at));
        }
        let chars: Vec<(usize, char)>;
        let (len, byte) = if self.ascii {
            (self.text.len(), None)
        } else if self.text.len() <= 64 * 1024 {
            chars = self.text.char_indices().collect();
            (chars.len(), Some(&chars))
        } else {
            return None;
        };
        if len <= SHOWN {
            return Some((self.text.to_string(), at));
        }
        let start = at.saturating_sub(SHOWN / 3).min(len - SHOWN);
        let end = start + SHOWN;
        let offset = |i: usize| match byte {
            None => i,
            Some(c) => c.get(i).map_or(self.text.len(), |(b, _)| *b),
        };
        let mut shown = String::new();
        if start > 0 {
            shown.push('…');
        }
        shown.push_str(&self.text[offset(start)..offset(end)]);
        if end < len {
            shown.push('…');
        }
        Some((shown, at - start + usize::from(start > 0)))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.location, self.message)
        } else {
            write!(f, "{}: {}: {}", self.location, self.path, self.message)
        }
    }
}

/// Every problem found in one plan file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(transparent)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Renders all problems, each with its source line, and a closing count.
    pub fn render(&self, source: Option<&str>) -> String {
        // The lines problems are on, found in one pass over the source (not one per problem).
        let mut wanted: Vec<usize> = self.0.iter().map(|p| p.location.line).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut lines = std::collections::HashMap::new();
        if let (Some(source), Some(&last)) = (source, wanted.last()) {
            for (i, text) in source.lines().enumerate().take(last) {
                if wanted.binary_search(&(i + 1)).is_ok() {
                    lines.insert(i + 1, SourceLine::new(text));
                }
            }
        }
        let mut out = String::new();
        for p in &self.0 {
            out.push_str(&p.render_line(lines.get(&p.location.line)));
            out.push('\n');
        }
        let n = self.0.len();
        out.push_str(&format!(
            "{n} problem{} found; nothing was analysed.\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_source_line_and_caret() {
        let p = Problem::new(Location::new("p.yaml", 2, 5), "a.b", "bad value")
            .expected("a number")
            .found("the text \"x\"")
            .hint("write a number");
        let text = p.render(Some("a:\n  b: x\n"));
        assert_eq!(
            text,
            "error: p.yaml:2:5: a.b: bad value\n  |\n2 |   b: x\n  |     ^\n  = expected: a number\n  = found: the text \"x\"\n  = hint: write a number\n"
        );
    }

    /// A plan written on one line (a JSON export) with a problem far along it: the line is shown
    /// as an excerpt around the column, not ten megabytes with a caret ten million spaces in.
    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let p = Problem::new(Location::new("p.json", 1, 5001), "", "bad");
        let text = Problems(vec![p.clone()]).render(Some(&line));
        let shown = format!("…{}X{}…", "a".repeat(33), "b".repeat(66));
        assert!(text.contains(&format!("1 | {shown}\n")), "{text}");
        assert!(
            text.contains(&format!("  | {}^\n", " ".repeat(34))),
            "{text}"
        );
        assert!(text.len() < 400, "{}", text.len());
        // Not ASCII: still around the column, counted in characters.
        let line = format!("{}X{}", "é".repeat(5000), "b".repeat(5000));
        let text = p.render(Some(&line));
        assert!(text.contains(&format!("…{}X", "é".repeat(33))), "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("titel", ["title", "id", "weight"]),
            Some("title")
        );
        assert_eq!(
            did_you_mean("depends", ["depends_on", "kind"]),
            Some("depends_on")
        );
        assert_eq!(did_you_mean("zzz", ["title", "id"]), None);
    }
}
