//! The one period parser (`calendar::Period::parse`): every accepted spelling, impossible
//! periods refused with the reason and the accepted forms, and round trips.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use sextant_core::calendar::{
    MONTH_NAMES, Period, Unit, civil_from_days, days_from_civil, iso_week, iso_weeks_in_year,
};
use sextant_core::model::BudgetPeriod;

#[track_caller]
fn reads(spellings: &[&str], expected: Period, label: &str) {
    for s in spellings {
        assert_eq!(Period::parse(s), Ok(expected), "`{s}`");
    }
    assert_eq!(expected.to_string(), label);
}

#[test]
fn every_accepted_spelling_reads_the_same_period() {
    reads(
        &[
            "2027Q1",
            "2027-Q1",
            "2027 Q1",
            "2027q1",
            "2027/Q1",
            "Q1 2027",
            "Q1-2027",
            "q1 2027",
            "Q1/2027",
            " 2027-Q1 ",
            "\t2027Q1\t",
        ],
        Period::quarter(2027, 1),
        "2027-Q1",
    );
    reads(&["1959Q4", "Q4 1959"], Period::quarter(1959, 4), "1959-Q4");
    reads(
        &[
            "2027-03",
            "2027/03",
            "2027-3",
            "2027.03",
            "03/2027",
            "3/2027",
            "03-2027",
            "03.2027",
            "Mar 2027",
            "March 2027",
            "Mar-2027",
            "MAR 2027",
            "march 2027",
            "Mar. 2027",
            "2027 Mar",
            "2027-March",
            " Mar 2027 ",
        ],
        Period::month(2027, 3),
        "2027-03",
    );
    reads(
        &["Sept 2027", "Sep 2027", "09/2027"],
        Period::month(2027, 9),
        "2027-09",
    );
    reads(
        &[
            "2027-W05", "2027W05", "2027-W5", "2027 W05", "2027-w05", "W05 2027",
        ],
        Period::week(2027, 5),
        "2027-W05",
    );
    reads(&["2026-W53"], Period::week(2026, 53), "2026-W53");
    reads(&["2027", " 2027 "], Period::Year(2027), "2027");
    reads(
        &["2027-03-15", "2027/03/15", "2027-3-15"],
        Period::Day(days_from_civil(2027, 3, 15)),
        "2027-03-15",
    );
    reads(
        &["2028-02-29"],
        Period::Day(days_from_civil(2028, 2, 29)),
        "2028-02-29",
    );
}

#[test]
fn periods_start_and_follow_where_the_calendar_says() {
    // ISO week 5 of 2027 starts Monday 2027-02-01 (Python: date.fromisocalendar(2027, 5, 1)).
    assert_eq!(
        Period::week(2027, 5).first_day(),
        days_from_civil(2027, 2, 1)
    );
    assert_eq!(Period::week(2026, 53).plus(1).to_string(), "2027-W01");
    assert_eq!(Period::quarter(2027, 4).plus(1).to_string(), "2028-Q1");
    assert_eq!(Period::month(2027, 12).plus(1).to_string(), "2028-01");
    assert_eq!(
        Period::quarter(2027, 2).first_day(),
        days_from_civil(2027, 4, 1)
    );
    assert_eq!(Period::Year(2027).first_day(), days_from_civil(2027, 1, 1));
}

/// The forms every message names.
const FORMS: &str = "write a day as 2027-03-15, a month as 2027-03, Mar 2027 or 03/2027, a quarter as 2027Q1, 2027-Q1 or Q1 2027, an ISO week as 2027-W05, or a year as 2027";

#[test]
fn impossible_periods_are_refused_saying_why_and_naming_the_forms() {
    let err = |s: &str| Period::parse(s).unwrap_err().to_string();
    assert_eq!(
        err("2027-13"),
        format!("`2027-13`: there is no month 13; {FORMS}")
    );
    assert_eq!(
        err("13/2027"),
        format!("`13/2027`: there is no month 13; {FORMS}")
    );
    assert_eq!(
        err("2027-00"),
        format!("`2027-00`: there is no month 00; {FORMS}")
    );
    assert_eq!(
        err("2027Q5"),
        format!("`2027Q5`: there is no quarter 5; a quarter is Q1 to Q4; {FORMS}")
    );
    assert_eq!(
        err("Q0 2027"),
        format!("`Q0 2027`: there is no quarter 0; a quarter is Q1 to Q4; {FORMS}")
    );
    assert_eq!(
        err("2027-W53"),
        format!("`2027-W53`: there is no week 53 in 2027, which has 52 ISO weeks; {FORMS}")
    );
    assert_eq!(
        err("2027-W54"),
        format!("`2027-W54`: there is no week 54 in 2027, which has 52 ISO weeks; {FORMS}")
    );
    assert_eq!(
        err("2027-02-29"),
        format!("`2027-02-29`: February 2027 has no day 29; its days are 1 to 28; {FORMS}")
    );
    assert_eq!(
        err("Mar 27"),
        format!("`Mar 27`: `27` is not a year; write the year with four digits; {FORMS}")
    );
    for s in [
        "",
        "Feb",
        "2027-Q",
        "27-03",
        "2027-03-15T10:00",
        "next month",
        "20270315",
        "Q1",
    ] {
        assert_eq!(err(s), format!("`{s}`: not a period; {FORMS}"), "{s}");
    }
    // A door that takes fewer units names only theirs.
    assert_eq!(
        Period::parse_as("2027-03", &[Unit::Year, Unit::Quarter])
            .unwrap_err()
            .to_string(),
        "`2027-03`: a month is not a period taken here; write a quarter as 2027Q1, 2027-Q1 or Q1 2027, or a year as 2027"
    );
    assert_eq!(
        Period::parse("x")
            .unwrap_err()
            .message_with(Some("a step number as 17")),
        format!(
            "`x`: not a period; {}, or a step number as 17",
            FORMS.replace(", or a year", ", a year")
        )
    );
}

#[test]
fn budget_periods_read_through_the_same_parser() {
    for s in ["2027-Q3", "2027Q3", "Q3 2027", "2027-q3"] {
        assert_eq!(
            BudgetPeriod::parse(s),
            Some(BudgetPeriod::Quarter(2027, 3)),
            "{s}"
        );
    }
    assert_eq!(BudgetPeriod::parse("2027"), Some(BudgetPeriod::Year(2027)));
    for s in ["2027-Q5", "2027-03", "2027-W05", "27", "Q3"] {
        assert_eq!(BudgetPeriod::parse(s), None, "{s}");
    }
    assert_eq!(BudgetPeriod::Quarter(2027, 3).to_string(), "2027-Q3");
}

/// Every spelling of a period of `unit` with key `k`.
fn spellings(p: Period) -> Vec<String> {
    match p {
        Period::Day(d) => {
            let (y, m, d) = civil_from_days(d);
            vec![
                format!("{y:04}-{m:02}-{d:02}"),
                format!("{y:04}/{m:02}/{d:02}"),
                format!("{y:04}-{m}-{d}"),
            ]
        }
        Period::Week(_) => {
            let (y, w) = iso_week(p.first_day());
            vec![
                format!("{y:04}-W{w:02}"),
                format!("{y:04}W{w:02}"),
                format!("{y:04}-W{w}"),
                format!("{y:04}-w{w:02}"),
            ]
        }
        Period::Month(k) => {
            let (y, m) = (k.div_euclid(12), k.rem_euclid(12) as usize + 1);
            let name = MONTH_NAMES[m - 1];
            vec![
                format!("{y:04}-{m:02}"),
                format!("{y:04}/{m:02}"),
                format!("{y:04}-{m}"),
                format!("{m:02}/{y:04}"),
                format!("{m}/{y:04}"),
                format!("{} {y:04}", &name[..3]),
                format!("{name} {y:04}"),
                format!("{}-{y:04}", &name[..3]),
                format!("{} {y:04}", name.to_uppercase()),
            ]
        }
        Period::Quarter(k) => {
            let (y, q) = (k.div_euclid(4), k.rem_euclid(4) + 1);
            vec![
                format!("{y:04}Q{q}"),
                format!("{y:04}-Q{q}"),
                format!("{y:04} Q{q}"),
                format!("Q{q} {y:04}"),
                format!("Q{q}-{y:04}"),
                format!("{y:04}q{q}"),
            ]
        }
        Period::Year(y) => vec![format!("{y:04}"), format!(" {y:04} ")],
    }
}

fn any_period() -> impl Strategy<Value = Period> {
    // Years 1000 to 9999: four digits.
    let first = days_from_civil(1000, 1, 1);
    let last = days_from_civil(9999, 12, 31);
    prop_oneof![
        (first..=last).prop_map(Period::Day),
        (first..=last - 7).prop_map(|d| Period::Week((d + 3).div_euclid(7))),
        (1000 * 12..10_000 * 12).prop_map(Period::Month),
        (1000 * 4..10_000 * 4).prop_map(Period::Quarter),
        (1000..10_000).prop_map(Period::Year),
    ]
}

proptest! {
    /// Any period written in any accepted spelling reads back as itself, and its canonical
    /// label too.
    #[test]
    fn every_spelling_round_trips(p in any_period()) {
        for s in spellings(p) {
            prop_assert_eq!(Period::parse(&s), Ok(p), "`{}`", s);
        }
        prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
    }

    /// ISO weeks: the week of a day holds it, and its year has that many weeks.
    #[test]
    fn iso_weeks_hold_their_days(d in days_from_civil(1000, 1, 1)..days_from_civil(9999, 12, 1)) {
        let (y, w) = iso_week(d);
        prop_assert!(w >= 1 && w <= iso_weeks_in_year(y));
        let monday = Period::week(y, w).first_day();
        prop_assert!((monday..monday + 7).contains(&d));
    }

    /// Random text never panics; what is read has a canonical label that reads back.
    #[test]
    fn random_labels_never_panic(s in "\\PC{0,16}|[0-9qQwW /.-]{0,12}|[A-Za-z]{3,9} [0-9]{2,5}") {
        match Period::parse(&s) {
            Ok(p) => prop_assert_eq!(Period::parse(&p.to_string()), Ok(p)),
            Err(e) => {
                let e = e.to_string();
                prop_assert!(e.ends_with("or a year as 2027"), "{}", e);
            }
        }
    }
}
