//! The technology watch list: an entry's quadrant is read when given, defaults to software when
//! not, and a value outside the four is refused with the allowed ones named.

use expect_test::expect;
use sextant_core::model::{Quadrant, Ring};

/// A valid plan with the watch list `radar` appended.
fn plan(radar: &str) -> String {
    format!(
        "\
version: 1
organization:
  name: Shop
  currency: USD
  start: 2027-01
  horizon_months: 12
  discount_rate: 0.08
radar:
{radar}"
    )
}

#[test]
fn a_quadrant_is_read_and_an_absent_one_is_software() {
    let text = plan(
        "  - {technology: Card terminals, ring: adopt, quadrant: devices}\n  \
         - {technology: Online booking, ring: trial}\n",
    );
    let loaded = match sextant_core::load_plan("plan.yaml", &text) {
        Ok(p) => p,
        Err(p) => panic!("{}", p.render(Some(&text))),
    };
    let radar = &loaded.doc().radar;
    assert_eq!(radar.len(), 2);
    assert_eq!(radar[0].quadrant, Some(Quadrant::Devices));
    assert_eq!(radar[0].quadrant_or_default(), Quadrant::Devices);
    assert_eq!(radar[0].ring, Ring::Adopt);
    assert_eq!(radar[1].quadrant, None);
    assert_eq!(radar[1].quadrant_or_default(), Quadrant::Software);
    // Written back as the file spells it, and left out when absent.
    let json = serde_json::to_value(radar).unwrap_or_default();
    assert_eq!(json[0]["quadrant"], "devices");
    assert!(json[1].get("quadrant").is_none(), "{json}");
}

#[test]
fn every_quadrant_and_ring_has_a_label() {
    let rings: Vec<&str> = Ring::ALL.iter().map(|r| r.label()).collect();
    assert_eq!(rings, ["Adopt", "Trial", "Assess", "Hold"]);
    let quadrants: Vec<&str> = Quadrant::ALL.iter().map(|q| q.label()).collect();
    assert_eq!(quadrants, ["Practices", "Software", "Platforms", "Devices"]);
}

#[test]
fn an_unknown_quadrant_names_the_allowed_ones() {
    let text = plan("  - {technology: Smart shelves, ring: assess, quadrant: gadgets}\n");
    let Err(problems) = sextant_core::load_plan("plan.yaml", &text) else {
        panic!("a quadrant of `gadgets` was accepted");
    };
    expect![[r#"
        error: plan.yaml:9:57: radar[0].quadrant: expected one of `practices`, `software`, `platforms`, `devices`
          |
        9 |   - {technology: Smart shelves, ring: assess, quadrant: gadgets}
          |                                                         ^
          = expected: one of `practices`, `software`, `platforms`, `devices`
          = found: the text "gadgets"

        1 problem found; nothing was analysed.
    "#]].assert_eq(&problems.render(Some(&text)));
}

#[test]
fn a_near_miss_quadrant_gets_a_suggestion() {
    let text = plan("  - {technology: Tills, ring: hold, quadrant: device}\n");
    let Err(problems) = sextant_core::load_plan("plan.yaml", &text) else {
        panic!("a quadrant of `device` was accepted");
    };
    let rendered = problems.render(Some(&text));
    assert!(rendered.contains("did you mean `devices`?"), "{rendered}");
}
