//! JSON plan files, read straight into the same [`Builder`] as YAML.
//!
//! JSON is YAML 1.2 written inline, and the YAML parser reads it, but its scanner holds every
//! token of an inline collection until the collection is closed (see [`super::guard`]): for a
//! JSON file, the whole file, at a few hundred bytes a token. This reader takes text that is
//! strictly JSON (RFC 8259) in one pass, without recursion, and hands the builder the events the
//! YAML parser would have (strings double-quoted, numbers and `true`, `false`, `null` plain), so
//! that a plan reads the same, with the same positions and limits, either way. Text that is not
//! strictly JSON (YAML written inline, a syntax error) is left to the YAML parser, whose messages
//! name the problem.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

use super::Builder;
use crate::diag::Problem;

/// Why the text was not read as JSON.
pub(super) enum Error {
    /// It is not strictly JSON: read it as YAML.
    NotJson,
    /// It is JSON, and the plan reader refuses it (a limit crossed, a key written twice).
    Refused(Box<Problem>),
}

impl From<Box<Problem>> for Error {
    fn from(p: Box<Problem>) -> Self {
        Error::Refused(p)
    }
}

/// A list or mapping being read.
#[derive(Clone, Copy)]
enum Open {
    List,
    Map,
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Byte offset.
    at: usize,
    /// Characters read (the YAML parser's index).
    index: usize,
    line: usize,
    /// Column from 0, in characters.
    col: usize,
}

impl<'a> Reader<'a> {
    fn marker(&self) -> Marker {
        Marker::new(self.index, self.line, self.col)
    }

    fn span(&self) -> Span {
        let m = self.marker();
        Span::new(m, m)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Steps over one ASCII byte on the current line.
    fn bump(&mut self) {
        self.at += 1;
        self.index += 1;
        self.col += 1;
    }

    fn ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' => self.bump(),
                b'\n' => {
                    self.at += 1;
                    self.index += 1;
                    self.line += 1;
                    self.col = 0;
                }
                b'\r' => {
                    self.at += 1;
                    self.index += 1;
                    if self.peek() != Some(b'\n') {
                        self.line += 1;
                        self.col = 0;
                    }
                }
                _ => break,
            }
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), Error> {
        self.ws();
        if self.peek() == Some(b) {
            self.bump();
            Ok(())
        } else {
            Err(Error::NotJson)
        }
    }

    /// A string, the reader on its opening quote.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.bump();
        let start = self.at;
        let mut owned: Option<String> = None;
        let mut plain_from = start;
        loop {
            let b = self.peek().ok_or(Error::NotJson)?;
            match b {
                b'"' => {
                    let tail = &self.text[plain_from..self.at];
                    self.bump();
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[plain_from..self.at]);
                    self.bump();
                    let e = self.peek().ok_or(Error::NotJson)?;
                    self.bump();
                    match e {
                        b'"' => s.push('"'),
                        b'\\' => s.push('\\'),
                        b'/' => s.push('/'),
                        b'b' => s.push('\u{8}'),
                        b'f' => s.push('\u{c}'),
                        b'n' => s.push('\n'),
                        b'r' => s.push('\r'),
                        b't' => s.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.peek() != Some(b'\\') {
                                    return Err(Error::NotJson);
                                }
                                self.bump();
                                if self.peek() != Some(b'u') {
                                    return Err(Error::NotJson);
                                }
                                self.bump();
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(Error::NotJson);
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            s.push(char::from_u32(c).ok_or(Error::NotJson)?);
                        }
                        _ => return Err(Error::NotJson),
                    }
                    plain_from = self.at;
                }
                0..0x20 => return Err(Error::NotJson),
                _ => {
                    // One byte of a character: count the character at its first byte.
                    self.at += 1;
                    if b & 0xC0 != 0x80 {
                        self.index += 1;
                        self.col += 1;
                    }
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self.text.get(self.at..self.at + 4).ok_or(Error::NotJson)?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| Error::NotJson)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::NotJson);
        }
        for _ in 0..4 {
            self.bump();
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let from = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.bump();
        }
        self.at - from
    }

    /// A number as written.
    fn number(&mut self) -> Result<&'a str, Error> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Error::NotJson),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if self.digits() == 0 {
                return Err(Error::NotJson);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if self.digits() == 0 {
                return Err(Error::NotJson);
            }
        }
        Ok(&self.text[start..self.at])
    }

    fn word(&mut self, w: &'static str) -> Result<&'static str, Error> {
        if self.bytes[self.at..].starts_with(w.as_bytes()) {
            for _ in 0..w.len() {
                self.bump();
            }
            Ok(w)
        } else {
            Err(Error::NotJson)
        }
    }

    /// A mapping key and its colon.
    fn key(&mut self, b: &mut Builder<'_>) -> Result<(), Error> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(Error::NotJson);
        }
        let span = self.span();
        let text = self.string()?;
        b.event(
            Event::Scalar(text, ScalarStyle::DoubleQuoted, 0, None),
            span,
        )?;
        self.expect(b':')
    }
}

/// Reads `text` as JSON into `b`.
pub(super) fn read(text: &str, b: &mut Builder<'_>) -> Result<(), Error> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        index: 0,
        line: 1,
        col: 0,
    };
    if text.starts_with('\u{feff}') {
        r.at = '\u{feff}'.len_utf8();
        r.index = 1;
    }
    let mut open: Vec<Open> = Vec::new();
    b.event(Event::DocumentStart(false), r.span())?;
    'value: loop {
        r.ws();
        let span = r.span();
        match r.peek().ok_or(Error::NotJson)? {
            b'{' => {
                r.bump();
                b.event(Event::MappingStart(0, None), span)?;
                r.ws();
                if r.peek() == Some(b'}') {
                    let end = r.span();
                    r.bump();
                    b.event(Event::MappingEnd, end)?;
                } else {
                    open.push(Open::Map);
                    r.key(b)?;
                    continue 'value;
                }
            }
            b'[' => {
                r.bump();
                b.event(Event::SequenceStart(0, None), span)?;
                r.ws();
                if r.peek() == Some(b']') {
                    let end = r.span();
                    r.bump();
                    b.event(Event::SequenceEnd, end)?;
                } else {
                    open.push(Open::List);
                    continue 'value;
                }
            }
            b'"' => {
                let s = r.string()?;
                b.event(Event::Scalar(s, ScalarStyle::DoubleQuoted, 0, None), span)?;
            }
            b'-' | b'0'..=b'9' => {
                let n = r.number()?;
                b.event(
                    Event::Scalar(Cow::Borrowed(n), ScalarStyle::Plain, 0, None),
                    span,
                )?;
            }
            c @ (b't' | b'f' | b'n') => {
                let w = r.word(match c {
                    b't' => "true",
                    b'f' => "false",
                    _ => "null",
                })?;
                b.event(
                    Event::Scalar(Cow::Borrowed(w), ScalarStyle::Plain, 0, None),
                    span,
                )?;
            }
            _ => return Err(Error::NotJson),
        }
        // A value is complete: close what it completes, or go on to the next entry.
        loop {
            r.ws();
            let Some(&top) = open.last() else {
                return if r.peek().is_none() {
                    Ok(())
                } else {
                    Err(Error::NotJson)
                };
            };
            let span = r.span();
            match (top, r.peek()) {
                (_, Some(b',')) => {
                    r.bump();
                    if let Open::Map = top {
                        r.key(b)?;
                    }
                    continue 'value;
                }
                (Open::List, Some(b']')) => {
                    r.bump();
                    open.pop();
                    b.event(Event::SequenceEnd, span)?;
                }
                (Open::Map, Some(b'}')) => {
                    r.bump();
                    open.pop();
                    b.event(Event::MappingEnd, span)?;
                }
                _ => return Err(Error::NotJson),
            }
        }
    }
}
