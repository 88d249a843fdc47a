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
        let mut out = format!("error: {self}\n");
        if let Some(line) = source.and_then(|s| s.lines().nth(self.location.line.wrapping_sub(1))) {
            let num = self.location.line.to_string();
            let pad = " ".repeat(num.len());
            let caret = " ".repeat(self.location.column.saturating_sub(1));
            out.push_str(&format!("{pad} |\n{num} | {line}\n{pad} | {caret}^\n"));
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
        let mut out = String::new();
        for p in &self.0 {
            out.push_str(&p.render(source));
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
