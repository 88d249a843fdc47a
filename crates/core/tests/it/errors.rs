//! Every kind of bad plan input gets a message that says where, what was expected, what was
//! found and how to fix it. Each case is a small plan and the exact rendered message.

use expect_test::{Expect, expect};

/// A valid plan; cases replace parts of it.
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

fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

#[test]
fn base_plan_is_valid() {
    if let Err(p) = sextant_core::load_plan("plan.yaml", BASE) {
        panic!("{}", p.render(Some(BASE)));
    }
}

#[test]
fn unknown_field_suggests_the_closest_name() {
    check(
        &BASE.replace("    title: POS", "    titel: POS"),
        expect![[r#"
            error: plan.yaml:11:5: initiatives[0].title: the required field `title` is missing
               |
            11 |   - id: pos-system
               |     ^
              = hint: add `title:` to `initiatives[0]`

            error: plan.yaml:12:5: initiatives[0].titel: unknown field `titel`
               |
            12 |     titel: POS
               |     ^
              = expected: one of `id`, `title`, `description`, `owner`, `vendor`, `status`, `one_time_cost`, `recurring_cost_annual`, `benefits`, `cash_flows`, `duration_months`, `effort_hours_per_month`, `depends_on`, `alternative_group`, `mandatory`, `kind`, `contributes`, `start`, `replaces`, `affects_staff`, `training`, `change_plan`, `handles_customer_data`, `actual_cost`, `started`, `launched`, `done_by`
              = found: `titel`
              = hint: did you mean `title`?

            2 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn missing_required_fields_are_named() {
    check(
        "version: 1\norganization:\n  name: Shop\n  start: 2027-01\n",
        expect![[r#"
            error: plan.yaml:3:3: organization.currency: the required field `currency` is missing
              |
            3 |   name: Shop
              |   ^
              = hint: add `currency:` to `organization`

            error: plan.yaml:3:3: organization.horizon_months: the required field `horizon_months` is missing
              |
            3 |   name: Shop
              |   ^
              = hint: add `horizon_months:` to `organization`

            error: plan.yaml:3:3: organization.discount_rate: the required field `discount_rate` is missing
              |
            3 |   name: Shop
              |   ^
              = hint: add `discount_rate:` to `organization`

            3 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn unknown_dependency_suggests_a_known_id() {
    check(
        &with(
            "  - id: shop\n    title: Shop\n    duration_months: 1\n    depends_on: [pos-sytem]\n    contributes: {sales: 1}\n",
        ),
        expect![[r#"
            error: plan.yaml:19:18: initiatives[1].depends_on[0]: unknown initiative `pos-sytem`
               |
            19 |     depends_on: [pos-sytem]
               |                  ^
              = expected: the id of one of the plan's `initiatives`
              = found: `pos-sytem`
              = hint: did you mean `pos-system`?

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn duplicate_ids_point_at_both() {
    check(
        &with("  - id: pos-system\n    title: Again\n    duration_months: 1\n"),
        expect![[r#"
            error: plan.yaml:16:9: initiatives[1].id: duplicate id `pos-system` in `initiatives`
               |
            16 |   - id: pos-system
               |         ^
              = expected: an id not used by another entry of `initiatives`
              = found: `pos-system`, already the id of initiatives[0] on line 11
              = hint: give each entry its own id

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn dependency_cycles_are_named() {
    check(
        &with(
            "  - {id: a, title: A, duration_months: 1, depends_on: [c]}\n  - {id: b, title: B, duration_months: 1, depends_on: [a]}\n  - {id: c, title: C, duration_months: 1, depends_on: [b]}\n",
        ),
        expect![[r#"
            error: plan.yaml:16:56: initiatives[1].depends_on[0]: dependency cycle: a -> c -> b -> a
               |
            16 |   - {id: a, title: A, duration_months: 1, depends_on: [c]}
               |                                                        ^
              = expected: dependencies that lead back to no initiative
              = found: a -> c -> b -> a (each must finish before the next can start)
              = hint: remove one of these dependencies

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn negative_money_is_refused() {
    check(
        &BASE.replace("one_time_cost: 1000", "one_time_cost: -1000"),
        expect![[r#"
        error: plan.yaml:14:20: initiatives[0].one_time_cost: an amount of money cannot be negative here
           |
        14 |     one_time_cost: -1000
           |                    ^
          = expected: an amount of money, 0 or more
          = found: -1000
          = hint: costs and benefits are written as positive amounts

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn money_written_as_text_gets_a_hint() {
    check(
        &BASE.replace("one_time_cost: 1000", "one_time_cost: \"$1,000\""),
        expect![[r#"
        error: plan.yaml:14:20: initiatives[0].one_time_cost: expected an amount of money, 0 or more
           |
        14 |     one_time_cost: "$1,000"
           |                    ^
          = expected: an amount of money, 0 or more
          = found: the text "$1,000"
          = hint: write the number alone, without currency symbols, separators or quotes: 1000

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn non_numeric_money_is_refused() {
    check(
        &BASE.replace("one_time_cost: 1000", "one_time_cost: [1000]"),
        expect![[r#"
        error: plan.yaml:14:20: initiatives[0].one_time_cost: expected an amount of money, 0 or more
           |
        14 |     one_time_cost: [1000]
           |                    ^
          = expected: an amount of money, 0 or more
          = found: a list

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn pinned_start_outside_the_horizon() {
    check(
        &BASE.replace(
            "    duration_months: 2\n",
            "    duration_months: 2\n    start: 2028-03\n",
        ),
        expect![[r#"
        error: plan.yaml:14:12: initiatives[0].start: initiative `pos-system` starts outside the planning horizon
           |
        14 |     start: 2028-03
           |            ^
          = expected: a month from 2027-01 to 2027-12
          = found: 2028-03

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn pinned_start_that_finishes_too_late() {
    check(
        &BASE.replace(
            "    duration_months: 2\n",
            "    duration_months: 2\n    start: 2027-12\n",
        ),
        expect![[r#"
        error: plan.yaml:14:12: initiatives[0].start: initiative `pos-system` would finish after the planning horizon
           |
        14 |     start: 2027-12
           |            ^
          = expected: a start no later than 2027-11 so that its 2 months end by 2027-12
          = found: 2027-12, finishing 2028-01

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn goal_due_before_the_plan_starts() {
    check(
        &BASE.replace("due: 2027-12", "due: 2026-06"),
        expect![[r#"
        error: plan.yaml:9:83: goals[0].due: goal `sales` is due outside the plan
          |
        9 |   - {id: sales, title: More sales, kpi: revenue, baseline: 100, target: 120, due: 2026-06}
          |                                                                                   ^
          = expected: a month from 2027-01 to 2029-12 (the plan's start to the end of its evaluation horizon)
          = found: 2026-06

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn contribution_outside_0_to_3() {
    check(
        &BASE.replace("contributes: {sales: 2}", "contributes: {sales: 4}"),
        expect![[r#"
        error: plan.yaml:15:26: initiatives[0].contributes.sales: a contribution strength must be between 0 and 3
           |
        15 |     contributes: {sales: 4}
           |                          ^
          = expected: a value from 0 to 3
          = found: 4

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn contribution_to_an_unknown_goal_points_at_the_key() {
    check(
        &BASE.replace("contributes: {sales: 2}", "contributes: {sale: 2}"),
        expect![[r#"
        error: plan.yaml:15:19: initiatives[0].contributes.sale: unknown goal `sale`
           |
        15 |     contributes: {sale: 2}
           |                   ^
          = expected: the id of one of the plan's `goals`
          = found: `sale`
          = hint: did you mean `sales`?

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn bad_month_and_enum_values() {
    check(
        &BASE
            .replace("start: 2027-01", "start: January 2027")
            .replace(
                "    duration_months: 2\n",
                "    duration_months: 2\n    kind: explor\n",
            ),
        expect![[r#"
            error: plan.yaml:5:10: organization.start: expected a month written `YYYY-MM`
              |
            5 |   start: January 2027
              |          ^
              = expected: a month written `YYYY-MM`, e.g. `2027-03`
              = found: "January 2027"

            error: plan.yaml:14:11: initiatives[0].kind: expected one of `exploit`, `explore`
               |
            14 |     kind: explor
               |           ^
              = expected: one of `exploit`, `explore`
              = found: the text "explor"
              = hint: did you mean `explore`?

            2 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn three_point_estimate_out_of_order() {
    check(
        &BASE.replace(
            "one_time_cost: 1000",
            "one_time_cost: {low: 900, likely: 1200, high: 1100}",
        ),
        expect![[r#"
            error: plan.yaml:14:20: initiatives[0].one_time_cost: a three-point estimate must have low <= likely <= high
               |
            14 |     one_time_cost: {low: 900, likely: 1200, high: 1100}
               |                    ^
              = expected: low <= likely <= high
              = found: low 900, likely 1200, high 1100

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn wrong_shapes() {
    check(
        &BASE.replace("goals:\n  - {id: sales", "goals:\n  sales: {id: sales"),
        expect![[r#"
            error: plan.yaml:9:3: goals: expected a list
              |
            9 |   sales: {id: sales, title: More sales, kpi: revenue, baseline: 100, target: 120, due: 2027-12}
              |   ^
              = expected: a list
              = found: a mapping

            error: plan.yaml:15:19: initiatives[0].contributes.sales: unknown goal `sales`
               |
            15 |     contributes: {sales: 2}
               |                   ^
              = expected: the id of one of the plan's `goals`
              = found: `sales`
              = hint: the plan has no `goals` yet

            2 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn unsupported_version() {
    check(
        &BASE.replace("version: 1", "version: 2"),
        expect![[r#"
        error: plan.yaml:1:10: version: unsupported plan format version
          |
        1 | version: 2
          |          ^
          = expected: 1
          = found: 2
          = hint: this version of Sextant reads plan files of version 1

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn budget_periods() {
    check(
        &with(
            "constraints:\n  budget:\n    - {period: 2030, amount: 100}\n    - {period: 2027-Q5, amount: 100}\n    - {period: 2027, amount: 1}\n    - {period: 2027, amount: 2}\n",
        ),
        expect![[r#"
            error: plan.yaml:18:16: constraints.budget[0].period: budget period 2030 lies outside the plan
               |
            18 |     - {period: 2030, amount: 100}
               |                ^
              = expected: a fiscal period overlapping 2027-01 to 2027-12
              = found: 2030 (2030-01 to 2030-12)

            error: plan.yaml:19:16: constraints.budget[1].period: invalid budget period
               |
            19 |     - {period: 2027-Q5, amount: 100}
               |                ^
              = expected: a fiscal year such as `2027` or a fiscal quarter such as `2027-Q3`
              = found: "2027-Q5"
              = hint: there is no quarter 5; a quarter is Q1 to Q4 (fiscal years are named by the calendar year they start in)

            error: plan.yaml:21:16: constraints.budget[3].period: budget period 2027 is given twice
               |
            21 |     - {period: 2027, amount: 2}
               |                ^
              = expected: each period once
              = found: a second entry (the first is constraints.budget[2])

            3 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn organisation_values_out_of_range() {
    check(
        &BASE
            .replace("currency: USD", "currency: dollars")
            .replace("discount_rate: 0.08", "discount_rate: 8")
            .replace(
                "horizon_months: 12",
                "horizon_months: 12\n  fiscal_year_start: 13\n  gross_margin: 1.5",
            ),
        expect![[r#"
            error: plan.yaml:4:13: organization.currency: invalid currency code
              |
            4 |   currency: dollars
              |             ^
              = expected: a three-letter ISO 4217 code in capitals, e.g. `USD`
              = found: "dollars"

            error: plan.yaml:7:22: organization.fiscal_year_start: a calendar month number must be between 1 and 12
              |
            7 |   fiscal_year_start: 13
              |                      ^
              = expected: a value from 1 to 12
              = found: 13

            error: plan.yaml:8:17: organization.gross_margin: a fraction must be between 0 and 1
              |
            8 |   gross_margin: 1.5
              |                 ^
              = expected: a value from 0 to 1
              = found: 1.5

            error: plan.yaml:9:18: organization.discount_rate: the discount rate must be a fraction between 0 and 1
              |
            9 |   discount_rate: 8
              |                  ^
              = expected: a fraction such as 0.08 for 8%
              = found: 8

            4 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn unknown_kpi_suggests_catalogue_names() {
    check(
        &BASE.replace("kpi: revenue", "kpi: revenu"),
        expect![[r#"
            error: plan.yaml:9:41: goals[0].kpi: unknown KPI `revenu`
              |
            9 |   - {id: sales, title: More sales, kpi: revenu, baseline: 100, target: 120, due: 2027-12}
              |                                         ^
              = expected: the id of a KPI in `kpis` or of the standard catalogue (see docs/plan-format.md)
              = found: `revenu`
              = hint: did you mean `revenue`?

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let text = BASE
        .replace("title: More sales", "titel: More sales")
        .replace("one_time_cost: 1000", "one_time_cost: lots")
        .replace("contributes: {sales: 2}", "contributes: {sales: 9}");
    let problems = sextant_core::load_plan("plan.yaml", &text)
        .err()
        .map(|p| p.0)
        .unwrap_or_default();
    let lines: Vec<usize> = problems.iter().map(|p| p.location.line).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn syntax_errors_have_a_location() {
    check(
        "version: 1\norganization: {name: [x\n",
        expect![[r#"
        error: plan.yaml:3:1: the file is not valid YAML or JSON: while parsing a flow sequence, expected ',' or ']'
          = expected: a YAML or JSON document

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn empty_file() {
    check(
        "",
        expect![[r#"
        error: plan.yaml:1:1: the plan file is empty
          = expected: a plan with `version: 1` and an `organization`
          = hint: run `sextant init` to write a starter plan

        1 problem found; nothing was analysed.
    "#]],
    );
    check(
        "# only a comment\n",
        expect![[r#"
        error: plan.yaml:1:1: the plan file is empty
          |
        1 | # only a comment
          | ^
          = expected: a plan with `version: 1` and an `organization`
          = hint: run `sextant init` to write a starter plan

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn json_plans_are_located_too() {
    let json = r#"{
  "version": 1,
  "organization": {"name": "Shop", "currency": "USD", "start": "2027-01",
                   "horizon_months": 12, "discount_rate": "high"}
}"#;
    check(
        json,
        expect![[r#"
        error: plan.yaml:4:59: organization.discount_rate: expected a number
          |
        4 |                    "horizon_months": 12, "discount_rate": "high"}
          |                                                           ^
          = expected: a number
          = found: the text "high"

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn references_between_sections() {
    check(
        &with(
            "systems:\n  - {id: till, name: Till, category: pos, supports: {sale: 1}}\nintegrations:\n  - {from: till, to: tills, kind: manual}\n  - {from: till, to: till, kind: automated}\nrisks:\n  - {id: r1, title: R, initiative: pos, likelihood: 6, impact: 2}\nphases:\n  - {id: p1, name: P, initiatives: [pos-systems]}\n",
        ),
        expect![[r#"
            error: plan.yaml:17:54: systems[0].supports.sale: unknown goal `sale`
               |
            17 |   - {id: till, name: Till, category: pos, supports: {sale: 1}}
               |                                                      ^
              = expected: the id of one of the plan's `goals`
              = found: `sale`
              = hint: did you mean `sales`?

            error: plan.yaml:19:22: integrations[0].to: unknown system `tills`
               |
            19 |   - {from: till, to: tills, kind: manual}
               |                      ^
              = expected: the id of one of the plan's `systems`
              = found: `tills`
              = hint: did you mean `till`?

            error: plan.yaml:20:22: integrations[1].to: an integration joins two different systems
               |
            20 |   - {from: till, to: till, kind: automated}
               |                      ^
              = expected: a system other than `till`
              = found: `till`

            error: plan.yaml:22:53: risks[0].likelihood: a score must be between 1 and 5
               |
            22 |   - {id: r1, title: R, initiative: pos, likelihood: 6, impact: 2}
               |                                                     ^
              = expected: a value from 1 to 5
              = found: 6

            error: plan.yaml:24:37: phases[0].initiatives[0]: unknown initiative `pos-systems`
               |
            24 |   - {id: p1, name: P, initiatives: [pos-systems]}
               |                                     ^
              = expected: the id of one of the plan's `initiatives`
              = found: `pos-systems`
              = hint: did you mean `pos-system`?

            5 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn problems_after_a_broken_entry_point_at_the_right_entry() {
    // The first initiative cannot be decoded; the second's unknown goal must still be reported,
    // at its own line, and a reference to the broken one must not be called unknown.
    check(
        &with(
            "  - {id: broken, title: B, duration_months: soon}\n  - {id: next, title: N, duration_months: 1, depends_on: [broken], contributes: {sale: 1}}\n",
        ),
        expect![[r#"
            error: plan.yaml:16:45: initiatives[1].duration_months: expected a whole number, 0 or more
               |
            16 |   - {id: broken, title: B, duration_months: soon}
               |                                             ^
              = expected: a whole number, 0 or more
              = found: the text "soon"

            error: plan.yaml:17:82: initiatives[2].contributes.sale: unknown goal `sale`
               |
            17 |   - {id: next, title: N, duration_months: 1, depends_on: [broken], contributes: {sale: 1}}
               |                                                                                  ^
              = expected: the id of one of the plan's `goals`
              = found: `sale`
              = hint: did you mean `sales`?

            2 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn budget_by_year_and_by_quarter_of_the_same_year() {
    check(
        &with(
            "constraints:\n  budget:\n    - {period: 2027-Q2, amount: 100}\n    - {period: 2027, amount: 1000}\n",
        ),
        expect![[r#"
            error: plan.yaml:18:16: constraints.budget[0].period: budget is given both for fiscal year 2027 and for its quarter 2027-Q2
               |
            18 |     - {period: 2027-Q2, amount: 100}
               |                ^
              = expected: budgets by year or by quarter within one fiscal year, not both
              = found: 2027 and 2027-Q2

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn self_dependency_is_reported_once_not_also_as_a_cycle() {
    check(
        &BASE.replace(
            "    title: POS",
            "    title: POS\n    depends_on: [pos-system]",
        ),
        expect![[r#"
            error: plan.yaml:13:18: initiatives[0].depends_on[0]: initiative `pos-system` depends on itself
               |
            13 |     depends_on: [pos-system]
               |                  ^
              = expected: the id of another initiative
              = found: `pos-system`

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn negative_hours_say_zero_or_more() {
    check(
        &with("constraints:\n  staff_hours_per_month: -5\n"),
        expect![[r#"
            error: plan.yaml:17:26: constraints.staff_hours_per_month: an amount cannot be negative
               |
            17 |   staff_hours_per_month: -5
               |                          ^
              = expected: a number, 0 or more
              = found: -5

            1 problem found; nothing was analysed.
        "#]],
    );
}

#[test]
fn zero_concurrent_initiatives_is_refused() {
    check(
        &with("constraints:\n  max_concurrent: 0\n"),
        expect![[r#"
        error: plan.yaml:17:19: constraints.max_concurrent: at most 0 initiatives under way leaves nothing to do
           |
        17 |   max_concurrent: 0
           |                   ^
          = expected: a whole number, 1 or more (or leave it out for no limit)
          = found: 0

        1 problem found; nothing was analysed.
    "#]],
    );
}

#[test]
fn scenario_problems_name_the_scenario() {
    check(
        &with(
            "scenarios:\n  - {name: cut, budget_factor: -0.2}\n  - {name: cut, delays: {pos-sytem: 2}}\n",
        ),
        expect![[r#"
            error: plan.yaml:17:32: scenarios[0].budget_factor: a factor cannot be negative
               |
            17 |   - {name: cut, budget_factor: -0.2}
               |                                ^
              = expected: a number, 0 or more (1 leaves the figure as it is)
              = found: -0.2

            error: plan.yaml:18:12: scenarios[1].name: scenario name `cut` is used twice
               |
            18 |   - {name: cut, delays: {pos-sytem: 2}}
               |            ^
              = expected: a name not used by another scenario
              = found: `cut`, already the name of scenarios[0]

            error: plan.yaml:18:26: scenarios[1].delays.pos-sytem: unknown initiative `pos-sytem`
               |
            18 |   - {name: cut, delays: {pos-sytem: 2}}
               |                          ^
              = expected: the id of one of the plan's `initiatives`
              = found: `pos-sytem`
              = hint: did you mean `pos-system`?

            3 problems found; nothing was analysed.
        "#]],
    );
}

#[test]
fn duration_estimates_are_checked() {
    check(
        &BASE.replace(
            "duration_months: 2",
            "duration_months: {low: 3, likely: 2, high: 4}",
        ),
        expect![[r#"
            error: plan.yaml:13:22: initiatives[0].duration_months: a three-point estimate must have low <= likely <= high
               |
            13 |     duration_months: {low: 3, likely: 2, high: 4}
               |                      ^
              = expected: low <= likely <= high
              = found: low 3, likely 2, high 4

            1 problem found; nothing was analysed.
        "#]],
    );
    check(
        &BASE.replace(
            "duration_months: 2",
            "duration_months: {low: 0, likely: 2, high: 4}",
        ),
        expect![[r#"
            error: plan.yaml:13:22: initiatives[0].duration_months: an initiative takes at least one month
               |
            13 |     duration_months: {low: 0, likely: 2, high: 4}
               |                      ^
              = expected: a whole number of months, 1 or more
              = found: 0

            1 problem found; nothing was analysed.
        "#]],
    );
}
