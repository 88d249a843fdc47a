//! The workbook reader on arbitrary bytes: a workbook's rows are read within the crate's caps
//! (`sheet::MAX_UNPACKED`, `MAX_ROWS`, `MAX_CELLS`, `MAX_TEXT`) or refused with an error, never
//! a panic; the rows it gives are then imported as orders. libFuzzer's `-rss_limit_mb`
//! (`scripts/fuzz`) holds the memory to what the caps allow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sextant_ingest::{Interners, Kind, Options, Source, Stop, read, sheet};

fuzz_target!(|data: &[u8]| {
    let source = Source::bytes("data.xlsx", data.to_vec());
    let Ok(rows) = sheet::rows(&source, None, &Stop::default()) else {
        return;
    };
    let source = Source::rows("data.xlsx", rows);
    let mut names = Interners::default();
    let _ = read(
        &source,
        Kind::Orders,
        &Options::default(),
        &mut names,
        |_| {},
        |_| {},
    );
});
