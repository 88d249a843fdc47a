//! Aligned tables for the terminal report and pipe tables for Markdown. Small on purpose: the
//! report needs left/right alignment and nothing a terminal-UI dependency would add.

/// How a column is aligned.
#[derive(Clone, Copy, PartialEq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A table of text cells.
pub struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers; a header starting with `>` is right-aligned (the `>` is
    /// dropped).
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers
                .iter()
                .map(|h| h.trim_start_matches('>').to_string())
                .collect(),
            align: headers
                .iter()
                .map(|h| {
                    if h.starts_with('>') {
                        Align::Right
                    } else {
                        Align::Left
                    }
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn widths(&self) -> Vec<usize> {
        let mut w: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                if let Some(x) = w.get_mut(i) {
                    *x = (*x).max(c.chars().count());
                }
            }
        }
        w
    }

    fn line(&self, cells: &[String], widths: &[usize], sep: &str) -> String {
        self.padded(cells, widths, sep).trim_end().to_string()
    }

    fn padded(&self, cells: &[String], widths: &[usize], sep: &str) -> String {
        let parts: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = w.saturating_sub(c.chars().count());
                match self.align[i] {
                    Align::Left => format!("{c}{}", " ".repeat(pad)),
                    Align::Right => format!("{}{c}", " ".repeat(pad)),
                }
            })
            .collect();
        parts.join(sep)
    }

    /// Plain aligned columns, with the header line returned separately so it can be styled.
    pub fn text(&self) -> (String, Vec<String>) {
        let w = self.widths();
        let header = self.line(&self.headers, &w, "  ");
        let rows = self.rows.iter().map(|r| self.line(r, &w, "  ")).collect();
        (header, rows)
    }

    /// A Markdown pipe table.
    pub fn markdown(&self) -> String {
        let esc = |s: &String| s.replace('|', "\\|");
        let escaped = Table {
            headers: self.headers.iter().map(esc).collect(),
            align: self.align.clone(),
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().map(esc).collect())
                .collect(),
        };
        let w: Vec<usize> = escaped.widths().iter().map(|&x| x.max(3)).collect();
        let mut out = format!("| {} |\n", escaped.padded(&escaped.headers, &w, " | "));
        let rule: Vec<String> = w
            .iter()
            .zip(&self.align)
            .map(|(&n, a)| match a {
                Align::Left => "-".repeat(n),
                Align::Right => format!("{}:", "-".repeat(n - 1)),
            })
            .collect();
        out.push_str(&format!("| {} |\n", rule.join(" | ")));
        for r in &escaped.rows {
            out.push_str(&format!("| {} |\n", escaped.padded(r, &w, " | ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(&["id", ">amount"]);
        t.row(vec!["pos".into(), "1,500".into()]);
        t.row(vec!["a|b".into(), "3".into()]);
        t
    }

    #[test]
    fn aligns_text_columns() {
        let (h, rows) = sample().text();
        assert_eq!(h, "id   amount");
        assert_eq!(rows, vec!["pos   1,500", "a|b       3"]);
    }

    #[test]
    fn writes_markdown_pipe_tables() {
        assert_eq!(
            sample().markdown(),
            "| id   | amount |\n| ---- | -----: |\n| pos  |  1,500 |\n| a\\|b |      3 |\n"
        );
    }
}
