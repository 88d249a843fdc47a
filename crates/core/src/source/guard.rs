//! The YAML parser's input, watched: how far the scanner reads ahead of the events it has
//! handed over.
//!
//! The YAML scanner holds every token of an inline list or mapping (`[...]`, `{...}`) that stands
//! where a key could (`key: [...]`, or the document itself) until the list is closed, since only
//! then can it tell whether a `:` follows. A token costs a few hundred bytes, so one inline list
//! of two million `1,` (4 MB) held 800 MB before the first value came out. This input counts the
//! commas and opening brackets read since the last event; past [`MAX_INLINE`] it ends the input
//! (the scanner then stops with an error, which [`super::parse`] replaces by its own message).

use std::cell::Cell;
use std::rc::Rc;

use saphyr_parser::input::SkipTabs;
use saphyr_parser::{Input, StrInput};

/// The most commas and opening brackets (`,`, `[`, `{`) read ahead of the last event: an inline
/// list or mapping of about this many entries (a text holding this many commas counts too).
pub const MAX_INLINE: usize = 10_000;

/// What the input and the reader of events share.
#[derive(Debug, Default)]
pub(super) struct Budget {
    /// Commas and opening brackets read since the last event.
    pub since: Cell<usize>,
    /// True once the input was cut short for reading too far ahead.
    pub over: Cell<bool>,
}

/// A `&str` input that stops (reads as ended) once it runs [`MAX_INLINE`] structural characters
/// ahead of the events.
pub(super) struct Guarded<'a> {
    inner: StrInput<'a>,
    budget: Rc<Budget>,
}

impl<'a> Guarded<'a> {
    pub fn new(text: &'a str, budget: Rc<Budget>) -> Self {
        Guarded {
            inner: StrInput::new(text),
            budget,
        }
    }

    #[inline]
    fn see(&mut self, c: char) {
        if matches!(c, ',' | '[' | '{') {
            let n = self.budget.since.get() + 1;
            self.budget.since.set(n);
            if n > MAX_INLINE && !self.budget.over.get() {
                self.budget.over.set(true);
                self.inner = StrInput::new("");
            }
        }
    }
}

impl Input for Guarded<'_> {
    #[inline]
    fn lookahead(&mut self, count: usize) {
        self.inner.lookahead(count);
    }
    #[inline]
    fn buflen(&self) -> usize {
        self.inner.buflen()
    }
    #[inline]
    fn bufmaxlen(&self) -> usize {
        self.inner.bufmaxlen()
    }
    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.inner.buf_is_empty()
    }
    #[inline]
    fn raw_read_ch(&mut self) -> char {
        let c = self.inner.raw_read_ch();
        self.see(c);
        c
    }
    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        let c = self.inner.raw_read_non_breakz_ch();
        if let Some(c) = c {
            self.see(c);
        }
        c
    }
    #[inline]
    fn skip(&mut self) {
        let c = self.inner.peek();
        self.inner.skip();
        self.see(c);
    }
    #[inline]
    fn skip_n(&mut self, count: usize) {
        for _ in 0..count {
            self.skip();
        }
    }
    #[inline]
    fn peek(&self) -> char {
        self.inner.peek()
    }
    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        self.inner.peek_nth(n)
    }
    #[inline]
    fn peek_opt(&self) -> Option<char> {
        self.inner.peek_opt()
    }
    #[inline]
    fn look_ch(&mut self) -> char {
        self.inner.look_ch()
    }
    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.inner.next_char_is(c)
    }
    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.inner.nth_char_is(n, c)
    }
    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.inner.next_2_are(c1, c2)
    }
    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.inner.next_3_are(c1, c2, c3)
    }
    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.inner.next_is_document_indicator()
    }
    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.inner.next_is_document_start()
    }
    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.inner.next_is_document_end()
    }
    #[inline]
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        self.inner.skip_ws_to_eol(skip_tabs)
    }
    #[inline]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        self.inner.next_can_be_plain_scalar(in_flow)
    }
    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        self.inner.next_is_blank_or_break()
    }
    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        self.inner.next_is_blank_or_breakz()
    }
    #[inline]
    fn next_is_blank(&self) -> bool {
        self.inner.next_is_blank()
    }
    #[inline]
    fn next_is_break(&self) -> bool {
        self.inner.next_is_break()
    }
    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.inner.next_is_breakz()
    }
    #[inline]
    fn next_is_z(&self) -> bool {
        self.inner.next_is_z()
    }
    #[inline]
    fn next_is_flow(&self) -> bool {
        self.inner.next_is_flow()
    }
    #[inline]
    fn next_is_digit(&self) -> bool {
        self.inner.next_is_digit()
    }
    #[inline]
    fn next_is_alpha(&self) -> bool {
        self.inner.next_is_alpha()
    }
    #[inline]
    fn skip_while_non_breakz(&mut self) -> usize {
        // Comments: they make no tokens, so what they hold is not counted.
        self.inner.skip_while_non_breakz()
    }
    #[inline]
    fn skip_while_blank(&mut self) -> usize {
        self.inner.skip_while_blank()
    }
    #[inline]
    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        // Letters, digits, `-` and `_`: nothing structural.
        self.inner.fetch_while_is_alpha(out)
    }
    #[inline]
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        let from = out.len();
        let n = self.inner.fetch_while_is_yaml_non_space(out);
        let seen: usize = out[from..]
            .bytes()
            .filter(|b| matches!(b, b',' | b'[' | b'{'))
            .count();
        for _ in 0..seen {
            self.see(',');
        }
        n
    }
}
