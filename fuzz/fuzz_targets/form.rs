//! What a form's fields are decoded with (`sextant_web::ui::form` hands every number to
//! `core::unit::parse_number` and every month or period to `core::calendar::Period::parse`, so
//! fuzzing them fuzzes the forms' decoding without building the web server): any text gives a
//! number or a reason, never a panic; a number it gives is finite, and a number written back
//! with a point reads back as itself under either decimal mark when it has no thousands.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sextant_core::calendar::Period;
use sextant_core::unit::{DecimalMark, parse_number};

fuzz_target!(|text: &str| {
    for mark in [DecimalMark::Point, DecimalMark::Comma] {
        if let Ok(x) = parse_number(text, mark) {
            assert!(x.is_finite(), "{text:?} read as {x} under {mark:?}");
        }
    }
    // Plain digits (no separators) mean the same under either mark.
    if !text.is_empty() && text.len() < 16 && text.bytes().all(|b| b.is_ascii_digit()) {
        let a = parse_number(text, DecimalMark::Point);
        let b = parse_number(text, DecimalMark::Comma);
        assert_eq!(a.ok(), b.ok(), "{text:?}");
    }
    if let Ok(p) = Period::parse(text) {
        // A period's own label reads back as the same period.
        let again = Period::parse(&p.to_string());
        assert_eq!(again.ok(), Some(p), "{text:?}");
    }
});
