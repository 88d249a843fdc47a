//! The plan parser on arbitrary text: `load_plan` never panics, and a plan it accepts
//! round-trips through its JSON form, the form the store keeps (`serde_json::to_value(plan.doc())`
//! read back as `plan.json`): the JSON is accepted, gives an equal document, and is a fixed
//! point (serialising the document read back gives the same JSON).
//!
//! Known limit, left out of the equality check only: money is exact in the model (a decimal)
//! but a JSON number in the JSON form (an f64 when it has decimals), so an amount written with
//! more significant digits than an f64 carries (`1000.123456789012345678`) reads back rounded
//! (`1000.1234567890124`). Inputs with a number of more than 15 digits are checked for the
//! fixed point only.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Whether the text holds a number of more digits than an f64 keeps exactly.
fn has_long_number(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|t| t.bytes().filter(u8::is_ascii_digit).count() > 15)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The parser picks JSON or YAML by the text (JSON when it starts with `{` or `[`), not by
    // the name; the name is the one a user would give such a file.
    let name = if text.trim_start().starts_with('{') {
        "plan.json"
    } else {
        "plan.yaml"
    };
    let Ok(plan) = sextant_core::load_plan(name, text) else {
        return;
    };
    let value = serde_json::to_value(plan.doc()).expect("an accepted plan serialises");
    let json = serde_json::to_string_pretty(&value).expect("a JSON value prints");
    let again = match sextant_core::load_plan("plan.json", &json) {
        Ok(again) => again,
        Err(problems) => {
            panic!("the JSON form of an accepted plan is refused: {problems:?}\n{json}")
        }
    };
    let value_again = serde_json::to_value(again.doc()).expect("an accepted plan serialises");
    assert_eq!(
        value, value_again,
        "the JSON form is not a fixed point:\n{json}"
    );
    if !has_long_number(text) {
        assert_eq!(
            plan.doc(),
            again.doc(),
            "the plan's JSON form reads back differently:\n{json}"
        );
    }
});
