//! CSV text after its header cut into blocks of whole records, so that several threads can read
//! the rows of one file. A block ends after a line break outside quotes as far as counting the
//! quotes from the start tells; the thread that reads a block confirms it ended on a record
//! boundary ([`ends_inside_quotes`]): a quote the count was wrong about (one inside an unquoted
//! value) is then noticed, never guessed past.

use std::io::Read;

use crate::ImportError;

/// Whole records of CSV text, with the line the first begins on.
pub(crate) struct Block {
    /// Its place in the file: 0 for the first block after the header.
    pub(crate) seq: u64,
    /// The line its first byte is on.
    pub(crate) line: u64,
    /// The bytes.
    pub(crate) bytes: Vec<u8>,
    /// Whether it is the last (the text ends with it, not at a cut).
    pub(crate) last: bool,
}

/// Reads CSV text into [`Block`]s of about `size` bytes.
pub(crate) struct Blocks {
    from: Box<dyn Read + Send>,
    /// The bytes after the last cut, read but not yet handed out.
    carry: Vec<u8>,
    line: u64,
    seq: u64,
    eof: bool,
    size: usize,
}

impl Blocks {
    /// Blocks of the text `from`, whose first byte is on `line`.
    pub(crate) fn new(from: Box<dyn Read + Send>, line: u64, size: usize) -> Blocks {
        Blocks {
            from,
            carry: Vec::new(),
            line,
            seq: 0,
            eof: false,
            size: size.max(1),
        }
    }

    /// The next block, or `None` at the end of the text.
    pub(crate) fn next_block(&mut self) -> Result<Option<Block>, ImportError> {
        if self.eof && self.carry.is_empty() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        let mut want = self.size;
        let cut = loop {
            while buf.len() < want && !self.eof {
                let have = buf.len();
                buf.resize(want, 0);
                match self.from.read(&mut buf[have..]) {
                    Ok(0) => {
                        buf.truncate(have);
                        self.eof = true;
                    }
                    Ok(n) => buf.truncate(have + n),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(have),
                    Err(e) => return Err(ImportError::Io(e.to_string())),
                }
            }
            if self.eof {
                break None;
            }
            if let Some(c) = cut(&buf) {
                break Some(c);
            }
            // A record longer than a block: read on to its end.
            want = buf.len() * 2;
        };
        let last = cut.is_none();
        if let Some(at) = cut {
            self.carry = buf[at..].to_vec();
            buf.truncate(at);
        }
        let block = Block {
            seq: self.seq,
            line: self.line,
            bytes: buf,
            last,
        };
        self.seq += 1;
        self.line += memchr::memchr_iter(b'\n', &block.bytes).count() as u64;
        Ok(Some(block))
    }
}

/// Where to cut `buf`, which begins on a record boundary (after which byte): after the last
/// line break with an even number of quotes before it in `buf`; failing that, after the last
/// line break (a quote inside an unquoted value is text, and the reading thread checks the
/// cut). `None` when `buf` has no line break after a record.
pub(crate) fn cut(buf: &[u8]) -> Option<usize> {
    let quotes = memchr::memchr_iter(b'"', buf).count();
    let mut at = None;
    if quotes > 0 {
        let mut inside = quotes % 2 == 1;
        for i in memchr::memrchr2_iter(b'\n', b'"', buf) {
            if buf[i] == b'"' {
                inside = !inside;
            } else if !inside {
                at = Some(i);
                break;
            }
        }
    }
    let mut i = at.or_else(|| memchr::memrchr(b'\n', buf))?;
    // Right after the record's own line break (its first byte, `\r` of `\r\n`): the blank
    // lines after it begin the next block, so that a record's line is told from where the
    // reading began to look for it, as when the file is read whole.
    while i > 0 && matches!(buf[i - 1], b'\n' | b'\r') {
        i -= 1;
    }
    // Line breaks from the start of `buf` follow the record before it: no record ends here.
    (i > 0).then_some(i + 1)
}

/// Whether the last record read from a block that ended at a cut ran on over the cut: its last
/// value, quoted, ends with the line break the block was cut after. The block then did not end on
/// a record boundary (a quote was not where counting put it), and the file must be read whole.
pub(crate) fn ends_inside_quotes(last: Option<&csv::ByteRecord>) -> bool {
    last.and_then(|r| r.iter().next_back())
        .is_some_and(|v| matches!(v.last(), Some(b'\n' | b'\r')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, size: usize) -> Vec<(u64, String, bool)> {
        let mut b = Blocks::new(
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
            2,
            size,
        );
        let mut out = Vec::new();
        while let Some(x) = b.next_block().unwrap_or(None) {
            out.push((
                x.line,
                String::from_utf8_lossy(&x.bytes).into_owned(),
                x.last,
            ));
        }
        out
    }

    #[test]
    fn blocks_end_after_a_line_break_outside_quotes() {
        assert_eq!(
            blocks("a,1\nb,2\nc,3", 5),
            [
                (2, "a,1\n".to_string(), false),
                (3, "b,2\n".to_string(), false),
                (4, "c,3".to_string(), true)
            ]
        );
        // A quoted line break is not a cut; a record longer than a block is read to its end.
        assert_eq!(
            blocks("a,\"x\ny\"\nb,2\n", 4),
            [
                (2, "a,\"x\ny\"\n".to_string(), false),
                (4, "b,2\n".to_string(), false),
                (5, String::new(), true)
            ]
        );
        assert_eq!(blocks("", 4), [(2, String::new(), true)]);
    }

    #[test]
    fn the_cut_counts_quotes_from_the_block_start() {
        assert_eq!(cut(b"a\nb\n"), Some(4));
        // A quote opened before the last break: the break before it.
        assert_eq!(cut(b"a\nb\"\nc"), Some(2));
        assert_eq!(cut(b"a\n\"b\"\"\nc\"\n"), Some(10));
        assert_eq!(cut(b"a\n\"b\"\"\nc\n"), Some(2));
        // No break outside quotes: the last break.
        assert_eq!(cut(b"\"a\nb\n"), Some(5));
        assert_eq!(cut(b"abc"), None);
        // After the first byte of the line breaks that end the last record.
        assert_eq!(cut(b"a\r\n\nb\r\n"), Some(6));
        assert_eq!(cut(b"a\r\n\n"), Some(2));
        assert_eq!(cut(b"\n\n"), None);
        assert_eq!(cut(b"\na\n"), Some(3));
    }
}
