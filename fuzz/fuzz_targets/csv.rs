//! The CSV reader on arbitrary bytes, for every kind of data set: it answers with records or
//! an error, never a panic. The first byte picks the kind (its low four bits) and the options
//! (0x10: skip bad rows, 0x20: decimal commas); the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sextant_ingest::{Format, Interners, Kind, Options, Source, read};
use sextant_metrics::records::Names;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let kind = Kind::ALL[usize::from(pick & 0x0f) % Kind::ALL.len()];
    let opts = Options {
        skip_bad_rows: pick & 0x10 != 0,
        decimal_comma: pick & 0x20 != 0,
        ..Options::default()
    };
    let source = Source::bytes("data.csv", bytes.to_vec()).in_format(Format::Csv);
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut systems = Names::default();
    let mut names = Interners {
        customers: Some(&mut customers),
        channels: Some(&mut channels),
        systems: Some(&mut systems),
    };
    let mut records = 0usize;
    let _ = read(&source, kind, &opts, &mut names, |_| records += 1, |_| {});
    if kind == Kind::Orders {
        // The parallel orders reader takes the same files.
        let mut channels = Names::default();
        let _ = sextant_ingest::read_orders(
            &source,
            &opts,
            sextant_metrics::calendar::Granularity::Month,
            &mut channels,
            |_| {},
        );
    }
});
