//! Hostile and extreme plan input: bounded money, alias bombs, and parsers that never panic.

use expect_test::{Expect, expect};
use proptest::prelude::*;
use sextant_core::model::{BudgetPeriod, Date, Month};

/// A valid plan; cases replace parts of it (line 14 is `one_time_cost`).
const BASE: &str = "\
version: 1
organization:
  name: Shop
  currency: USD
  start: 2027-01
  horizon_months: 12
  discount_rate: 0.08
goals:
  - {id: sales, title: More sales, kpi: revenue, baseline: 100, target: 120, due: 2027-12}
initiatives:
  - id: pos-system
    title: POS
    duration_months: 2
    one_time_cost: 1000
    contributes: {sales: 2}
";

fn check(text: &str, expected: Expect) {
    match sextant_core::load_plan("plan.yaml", text) {
        Ok(_) => panic!("expected problems, the plan loaded:\n{text}"),
        Err(problems) => expected.assert_eq(&problems.render(Some(text))),
    }
}

fn cost(written: &str) -> String {
    BASE.replace("one_time_cost: 1000", &format!("one_time_cost: {written}"))
}

#[test]
fn money_above_a_trillion_is_refused_with_the_bound() {
    check(
        &cost("1e16"),
        expect![[r#"
            error: plan.yaml:14:20: initiatives[0].one_time_cost: the amount of money is too large
               |
            14 |     one_time_cost: 1e16
               |                    ^
              = expected: an amount of money, 0 or more, at most 1,000,000,000,000 in absolute value
              = found: 1e16
              = hint: write amounts in whole units of the plan's currency; amounts above a trillion are beyond what the optimiser computes exactly

            1 problem found; nothing was analysed.
        "#]],
    );
}

/// The plan's JSON form (what the store keeps, and what every door reads back) writes money as
/// a number, which keeps 15 significant digits: an amount with more was kept exactly by the
/// CLI and silently rounded by the server (`1000.123456789012345678` came back as
/// `1000.1234567890124`). Now both refuse it, with the amount rounded to the cent as a hint.
#[test]
fn money_with_more_digits_than_a_plan_keeps_is_refused() {
    check(
        &cost("1000.123456789012345678"),
        expect![[r#"
            error: plan.yaml:14:20: initiatives[0].one_time_cost: the amount of money has more digits than a plan keeps
               |
            14 |     one_time_cost: 1000.123456789012345678
               |                    ^
              = expected: an amount of money, 0 or more, with at most 15 significant digits
              = found: 1000.123456789012345678
              = hint: round it, for example to the cent: 1000.12

            1 problem found; nothing was analysed.
        "#]],
    );
    // Fifteen digits are kept, and read back from the JSON form as written.
    let text = cost("123456789012.345");
    let plan = sextant_core::load_plan("plan.yaml", &text)
        .unwrap_or_else(|p| panic!("{}", p.render(Some(&text))));
    let json = serde_json::to_string(plan.doc()).unwrap_or_default();
    let again = sextant_core::load_plan("plan.json", &json)
        .unwrap_or_else(|p| panic!("{}", p.render(Some(&json))));
    assert_eq!(again.doc(), plan.doc());
    assert!(json.contains("123456789012.345"), "{json}");
}

#[test]
fn money_at_the_bound_loads() {
    let text = cost("1000000000000");
    if let Err(p) = sextant_core::load_plan("plan.yaml", &text) {
        panic!("{}", p.render(Some(&text)));
    }
}

#[test]
fn money_beyond_a_float_is_too_large_not_text() {
    // `1e400` is no finite float, so YAML reads it as text; the hint once suggested "1400".
    check(
        &cost("1e400"),
        expect![[r#"
            error: plan.yaml:14:20: initiatives[0].one_time_cost: the amount of money is too large
               |
            14 |     one_time_cost: 1e400
               |                    ^
              = expected: an amount of money, 0 or more, at most 1,000,000,000,000 in absolute value
              = found: 1e400
              = hint: write amounts in whole units of the plan's currency; amounts above a trillion are beyond what the optimiser computes exactly

            1 problem found; nothing was analysed.
        "#]],
    );
    // Beyond a decimal (7.9 x 10^28) but a finite float.
    check(
        &cost("-1e30"),
        expect![[r#"
            error: plan.yaml:14:20: initiatives[0].one_time_cost: the amount of money is too large
               |
            14 |     one_time_cost: -1e30
               |                    ^
              = expected: an amount of money, 0 or more, at most 1,000,000,000,000 in absolute value
              = found: -1e30
              = hint: write amounts in whole units of the plan's currency; amounts above a trillion are beyond what the optimiser computes exactly

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn the_money_hint_never_changes_the_figure() {
    // Letters and decimal commas get no hint rather than a wrong one ("12k" is not 12).
    for written in ["12k", "\"1234,56\"", "1.5 million", "\"1,23\""] {
        let text = cost(written);
        let rendered = match sextant_core::load_plan("plan.yaml", &text) {
            Ok(_) => panic!("{written} loaded"),
            Err(p) => p.render(None),
        };
        assert!(!rendered.contains("hint"), "{written}: {rendered}");
        assert!(
            rendered.contains("expected an amount of money, 0 or more"),
            "{rendered}"
        );
    }
    check(
        &cost("\"USD 1,234,567.50\""),
        expect![[r#"
            error: plan.yaml:14:20: initiatives[0].one_time_cost: expected an amount of money, 0 or more
               |
            14 |     one_time_cost: "USD 1,234,567.50"
               |                    ^
              = expected: an amount of money, 0 or more
              = found: the text "USD 1,234,567.50"

            1 problem found; nothing was analysed.
        "#]],
    );
    check(
        &cost("\"€ 1,234,567.50\""),
        expect![[r#"
            error: plan.yaml:14:20: initiatives[0].one_time_cost: expected an amount of money, 0 or more
               |
            14 |     one_time_cost: "€ 1,234,567.50"
               |                    ^
              = expected: an amount of money, 0 or more
              = found: the text "€ 1,234,567.50"
              = hint: write the number alone, without currency symbols, separators or quotes: 1234567.50

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn an_alias_bomb_is_refused_where_it_explodes() {
    let mut text = format!("{BASE}x-bomb:\n  a0: &a0 [lol]\n");
    for level in 1..=9 {
        let items = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("  a{level}: &a{level} [{items}]\n"));
    }
    let rendered = match sextant_core::load_plan("bomb.yaml", &text) {
        Ok(_) => panic!("the bomb loaded"),
        Err(p) => p.render(None),
    };
    // Lines 18-21 copy 23,450 values; the 4th alias of a4 on line 22 (column 27) crosses 100,000.
    assert_eq!(
        rendered,
        "error: bomb.yaml:22:27: the file's aliases (`*name`) copy too many values\n  \
         = expected: aliases that copy at most 100000 values in all\n  \
         = found: this alias brings the copies to 107894 values\n  \
         = hint: write the repeated values out, or repeat a smaller block\n\n\
         1 problem found; nothing was analysed.\n"
    );
}

/// The first problem of a file that must be refused, rendered without its source line.
fn refusal(name: &str, text: &str) -> String {
    match sextant_core::load_plan(name, text) {
        Ok(_) => panic!("{name} loaded"),
        Err(p) => p.0.first().map(|p| p.render(None)).unwrap_or_default(),
    }
}

/// The alias cap counted values only: one 100 KB string aliased 10,000 times (a 150 KB file)
/// copied a gigabyte, and a larger one aborted `sextant validate` and the server. The copies'
/// text is counted too, and the file is refused at the alias that crosses a megabyte.
#[test]
fn a_long_text_aliased_ten_thousand_times_is_refused_at_the_alias_that_crosses_a_megabyte() {
    let mut text = format!(
        "{BASE}x-notes: &long \"{}\"\nx-copies:\n",
        "x".repeat(100_000)
    );
    for _ in 0..10_000 {
        text.push_str("  - *long\n");
    }
    // Aliases on lines 18-27 copy 100,000 bytes each; the 11th (line 28) crosses 1,000,000.
    assert_eq!(
        refusal("notes.yaml", &text),
        "error: notes.yaml:28:5: the file's aliases (`*name`) copy too much text\n  \
         = expected: aliases that copy at most 1000000 bytes of text in all\n  \
         = found: this alias brings the copies to 1100000 bytes\n  \
         = hint: write the repeated text out, or repeat a shorter block\n"
    );
}

/// A megabyte of opening brackets, in JSON (read by the JSON reader) and in YAML (by the YAML
/// parser), is refused at the 129th level: the readers keep their own stacks, so nothing
/// recurses a million deep.
#[test]
fn a_megabyte_of_nested_brackets_is_refused_without_overflowing_the_stack() {
    let json = "[".repeat(1 << 20);
    assert_eq!(
        refusal("deep.json", &json),
        "error: deep.json:1:129: lists and mappings are nested too deeply\n  \
         = expected: at most 128 levels of nesting\n  \
         = found: level 129 here\n"
    );
    let json = "{\"a\":".repeat(1 << 18);
    assert!(
        refusal("deep.json", &json)
            .starts_with("error: deep.json:1:641: lists and mappings are nested too deeply"),
        "{}",
        refusal("deep.json", &json)
    );
    let yaml = format!("a: {}", "[".repeat(1 << 20));
    let r = refusal("deep.yaml", &yaml);
    assert!(
        r.contains("lists and mappings are nested too deeply")
            || r.contains("is too long to read")
            || r.contains("not valid YAML"),
        "{r}"
    );
}

/// The YAML scanner holds an inline list that stands where a key could until the list closes,
/// a few hundred bytes a token: an inline list of a million entries is refused at 10,000
/// (a JSON file is read without this limit, by the JSON reader). The location is where the
/// reading stopped, after the 10,000th entry.
#[test]
fn a_long_inline_list_in_yaml_is_refused_naming_the_limit() {
    let text = format!("[{}]", vec!["a"; 20_000].join(", "));
    assert_eq!(
        refusal("inline.yaml", &text),
        "error: inline.yaml:1:30000: a list or mapping written inline ([...] or {...}) is too long to read\n  \
         = expected: inline lists and mappings of at most 10000 entries (commas and opening brackets), or a plan file in JSON\n  \
         = found: more after this point, before the list or mapping is closed\n  \
         = hint: write long lists one item a line (`- item`)\n"
    );
    // The same list in JSON is read (and refused for what it is, not for its length).
    let json = format!("[{}]", vec!["\"a\""; 20_000].join(", "));
    assert!(
        refusal("inline.json", &json).contains("expected a mapping"),
        "{}",
        refusal("inline.json", &json)
    );
}

/// Keys are checked for repeats through a hash set past a few, so a mapping of a hundred
/// thousand keys is read in linear time, and a repeat among them is still found.
#[test]
fn a_key_written_twice_among_a_hundred_thousand_is_found() {
    let mut text = String::from("x:\n");
    for i in 0..100_000 {
        text.push_str(&format!("  k{i}: 1\n"));
    }
    text.push_str("  k20000: 2\n");
    assert_eq!(
        refusal("wide.yaml", &text),
        "error: wide.yaml:100002:3: the key `k20000` appears twice in the same mapping\n  \
         = found: `k20000` already set on line 20002\n  \
         = hint: remove one of the two\n"
    );
    let json = format!(
        "{{{}, \"k7\": 0}}",
        (0..100_000)
            .map(|i| format!("\"k{i}\": 1"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(refusal("wide.json", &json).contains("the key `k7` appears twice"));
}

/// A list of junk where initiatives belong made a problem for every value (two million of
/// them, 2 GB): at most 1,000 are listed, then one line says there were more.
#[test]
fn a_file_of_junk_lists_at_most_a_thousand_problems() {
    let text = format!("{BASE}risks: [{}]\n", vec!["1"; 5000].join(","));
    let problems = match sextant_core::load_plan("junk.yaml", &text) {
        Ok(_) => panic!("junk loaded"),
        Err(p) => p.0,
    };
    assert_eq!(problems.len(), 1001);
    assert_eq!(problems[0].message, "expected a mapping (a risk)");
    let last = &problems[1000];
    assert_eq!(
        last.message,
        "more problems were found than are listed here (at most 1000 are listed)"
    );
    assert_eq!(
        last.hint.as_deref(),
        Some("fix these and check the file again")
    );
}

/// A plan file is at most 10 MiB; a larger one is refused before it is read.
#[test]
fn a_file_over_ten_mebibytes_is_refused_before_it_is_read() {
    let text = format!("{BASE}# {}\n", "x".repeat(10 * 1024 * 1024));
    assert_eq!(
        refusal("big.yaml", &text),
        format!(
            "error: big.yaml:1:1: the file is too large\n  \
             = expected: a plan file of at most 10485760 bytes (10 MiB)\n  \
             = found: {} bytes\n  \
             = hint: split the plan into smaller plans\n",
            text.len()
        )
    );
}

/// Numbers as a user might write them, from the ordinary to the absurd.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<i64>()).prop_map(|n| n.to_string()),
        (-9.99f64..9.99, -400i32..400).prop_map(|(m, e)| format!("{m:.3}e{e}")),
        any::<f64>().prop_map(|x| format!("{x}")),
        "[-+]?[0-9]{0,30}(\\.[0-9]{0,30})?([eE][-+]?[0-9]{1,4})?",
        Just(".inf".to_string()),
        Just("-.inf".to_string()),
        Just(".nan".to_string()),
        "\"[$€£ 0-9,._a-z-]{0,20}\"",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any figure in any money or number field either loads within the bounds and analyses
    /// to finite figures, or is refused with a located problem.
    #[test]
    fn any_figure_loads_within_bounds_or_is_refused(
        field in prop::sample::select(vec![
            "one_time_cost: 1000",
            "duration_months: 2",
            "discount_rate: 0.08",
            "horizon_months: 12",
            "baseline: 100",
            "contributes: {sales: 2}",
        ]),
        n in number(),
    ) {
        let (key, _) = field.split_once(": ").unwrap_or((field, ""));
        let text = if key == "contributes" {
            BASE.replace(field, &format!("contributes: {{sales: {n}}}"))
        } else {
            BASE.replace(field, &format!("{key}: {n}"))
        };
        match sextant_core::load_plan("plan.yaml", &text) {
            Ok(plan) => {
                let a = sextant_core::analyze(&plan);
                for i in &a.initiatives {
                    prop_assert!(i.case.npv.is_finite(), "{n}: NPV {}", i.case.npv);
                    prop_assert!(i.case.npv.abs() <= 1e15, "{n}: NPV {}", i.case.npv);
                }
            }
            Err(problems) => {
                prop_assert!(!problems.0.is_empty());
                for p in &problems.0 {
                    prop_assert!(p.location.line >= 1 && p.location.line <= 16, "{p}");
                    prop_assert!(!p.message.is_empty());
                }
            }
        }
    }

    /// Arbitrary YAML-like text, anchors and aliases included, never panics the reader.
    #[test]
    fn the_reader_never_panics_on_yaml_like_text(
        text in "([a-z0-9]{1,4}|&a|&b|\\*a|\\*b|: |- |\\[|\\]|\\{|\\}|, |\\n  |\\n|'|\"|#|!!str |---\\n|\\.inf|1e999){0,80}",
    ) {
        let _ = sextant_core::load_plan("fuzz.yaml", &text);
    }

    /// A valid plan with any text spliced in either loads and analyses, or reports problems.
    #[test]
    fn a_spliced_plan_loads_and_analyses_or_reports_problems(
        cut in 0usize..400,
        insert in "([a-z0-9]{1,3}|&x |\\*x|: |\\n|\\n  |\\n    |- |\\[|\\]|\\{|\\}|, |-|9{13}|1e40|0\\.0|2027-13|2027-02-29){0,6}",
    ) {
        let cut = cut.min(BASE.len());
        let text = format!("{}{insert}{}", &BASE[..cut], &BASE[cut..]);
        match sextant_core::load_plan("m.yaml", &text) {
            Ok(plan) => {
                let _ = sextant_core::analyze(&plan);
            }
            Err(problems) => prop_assert!(!problems.0.is_empty()),
        }
    }

    /// The date and period readers never panic, and what they accept reads back the same.
    #[test]
    fn date_readers_never_panic_and_round_trip(s in "\\PC{0,12}|[0-9]{4}-[0-9]{2}(-[0-9]{2})?|[0-9]{4}-[qQ][0-9]") {
        if let Some(m) = Month::parse(&s) {
            prop_assert_eq!(m.to_string(), s.clone());
        }
        if let Some(d) = Date::parse(&s) {
            prop_assert_eq!(d.to_string(), s.clone());
        }
        if let Some(p) = BudgetPeriod::parse(&s) {
            let (first, months) = p.months(1);
            prop_assert!(months == 3 || months == 12);
            prop_assert!(first.year() >= 0);
        }
    }
}

#[test]
fn an_unpinned_initiative_starts_after_its_prerequisites_in_its_business_case() {
    // b (2 months) then a (3 months) after it, then c after a: a starts in month 2, c in 5.
    // Pinned d stays at its pin even though it depends on b.
    let text = format!(
        "{BASE}  - {{id: a, title: A, duration_months: 3, one_time_cost: 300, depends_on: [b]}}\n  \
         - {{id: b, title: B, duration_months: 2, one_time_cost: 200}}\n  \
         - {{id: c, title: C, duration_months: 1, one_time_cost: 100, depends_on: [a, pos-system]}}\n  \
         - {{id: d, title: D, duration_months: 1, one_time_cost: 100, depends_on: [b], start: 2027-09}}\n  \
         - {{id: e, title: E, duration_months: 1, one_time_cost: 100, depends_on: [f]}}\n  \
         - {{id: f, title: F, duration_months: 4, one_time_cost: 100, status: done}}\n"
    );
    let plan = match sextant_core::load_plan("plan.yaml", &text) {
        Ok(p) => p,
        Err(p) => panic!("{}", p.render(Some(&text))),
    };
    let a = sextant_core::analyze(&plan);
    let start = |id: &str| {
        a.initiatives
            .iter()
            .find(|i| i.case.id == id)
            .map(|i| (i.case.start_month, i.case.end_month))
    };
    assert_eq!(start("b"), Some((0, 1)));
    assert_eq!(start("a"), Some((2, 4)));
    assert_eq!(start("c"), Some((5, 5)));
    assert_eq!(start("d"), Some((8, 8)));
    // A finished prerequisite holds nothing back.
    assert_eq!(start("e"), Some((0, 0)));
}

#[test]
fn the_schema_states_the_money_bound() {
    let schema = sextant_core::plan_schema();
    let money = &schema["$defs"]["Money"];
    assert_eq!(money["maximum"], 1_000_000_000_000_i64);
    assert_eq!(money["minimum"], -1_000_000_000_000_i64);
}
