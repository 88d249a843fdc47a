//! The plan parser on arbitrary text: `load_plan` never panics, and a plan it accepts
//! round-trips through its JSON form (`serde_json::to_value(plan.doc())` read back as
//! `plan.json` is accepted and gives an equal document).
#![no_main]

use libfuzzer_sys::fuzz_target;

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
    match sextant_core::load_plan("plan.json", &json) {
        Ok(again) => assert_eq!(
            plan.doc(),
            again.doc(),
            "the plan's JSON form reads back differently:\n{json}"
        ),
        Err(problems) => {
            panic!("the JSON form of an accepted plan is refused: {problems:?}\n{json}")
        }
    }
});
