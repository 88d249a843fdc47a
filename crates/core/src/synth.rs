//! Synthetic plans for benchmarks and tests: a valid plan file of any size, the same for the same
//! seed on every machine. Uses its own SplitMix64 generator so that a benchmark instance never
//! changes with a random-number crate's version.

use std::fmt::Write;

/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, well-mixed generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The size of a synthetic plan.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Number of initiatives.
    pub initiatives: usize,
    /// Number of goals.
    pub goals: usize,
    /// Number of current systems.
    pub systems: usize,
    /// Planning horizon in months.
    pub months: u32,
}

impl Size {
    /// A plan with `n` initiatives and proportionate goals and systems.
    pub fn initiatives(n: usize) -> Size {
        Size {
            initiatives: n,
            goals: (n / 10).clamp(3, 40),
            systems: (n / 5).clamp(3, 200),
            months: 60,
        }
    }
}

/// A valid plan file (YAML) of the given size.
pub fn plan_yaml(size: Size, seed: u64) -> String {
    let mut r = SplitMix64::new(seed);
    let mut y = String::with_capacity(size.initiatives * 600);
    let _ = write!(
        y,
        "version: 1\norganization:\n  name: Synthetic {seed}\n  currency: USD\n  start: 2027-01\n  horizon_months: {}\n  evaluation_months: {}\n  discount_rate: 0.08\n  gross_margin: 0.4\n",
        size.months,
        size.months + 24
    );
    y.push_str("goals:\n");
    for g in 0..size.goals {
        let _ = writeln!(
            y,
            "  - {{id: g{g}, title: Goal {g}, kpi: revenue, baseline: 100000, target: 110000, due: 2028-01, weight: {}}}",
            r.range(1, 3)
        );
    }
    y.push_str("systems:\n");
    for s in 0..size.systems {
        let _ = writeln!(
            y,
            "  - {{id: s{s}, name: System {s}, category: c{}, vendor: v{}, annual_cost: {}, data: [d{}], supports: {{g{}: {}}}}}",
            r.range(0, size.systems as u64 / 2),
            r.range(0, 20),
            r.range(0, 5000),
            r.range(0, 30),
            r.range(0, size.goals as u64 - 1),
            r.range(0, 3)
        );
    }
    y.push_str("integrations:\n");
    for s in 1..size.systems {
        if r.unit() < 0.5 {
            let kind = if r.unit() < 0.3 {
                "manual"
            } else {
                "automated"
            };
            let _ = writeln!(
                y,
                "  - {{from: s{}, to: s{s}, kind: {kind}}}",
                r.range(0, s as u64 - 1)
            );
        }
    }
    y.push_str("initiatives:\n");
    for i in 0..size.initiatives {
        let dur = r.range(1, 6);
        let cost = r.range(1000, 40000);
        let _ = write!(
            y,
            "  - id: i{i}\n    title: Initiative {i}\n    vendor: v{}\n    duration_months: {{low: {}, likely: {dur}, high: {}}}\n    one_time_cost: {{low: {}, likely: {}, high: {}}}\n    recurring_cost_annual: {}\n    effort_hours_per_month: {}\n    kind: {}\n    benefits:\n      - {{kind: revenue, annual: {}}}\n      - {{kind: saving, annual: {}}}\n    contributes: {{g{}: {}, g{}: {}}}\n",
            r.range(0, 20),
            dur.max(2) - 1,
            dur + dur / 2 + 1,
            cost * 8 / 10,
            cost,
            cost * 3 / 2,
            r.range(0, 6000),
            r.range(0, 40),
            if r.unit() < 0.2 { "explore" } else { "exploit" },
            r.range(0, 30000),
            r.range(0, 10000),
            r.range(0, size.goals as u64 / 2 - 1),
            r.range(0, 3),
            r.range(size.goals as u64 / 2, size.goals as u64 - 1),
            r.range(0, 3),
        );
        if i > 0 && r.unit() < 0.3 {
            let _ = writeln!(y, "    depends_on: [i{}]", r.range(0, i as u64 - 1));
        }
        if r.unit() < 0.1 {
            let _ = writeln!(y, "    alternative_group: alt{}", i / 10);
        }
        if r.unit() < 0.5 {
            y.push_str("    training: Vendor course.\n");
        }
    }
    y.push_str("risks:\n");
    for i in (0..size.initiatives).step_by(4) {
        let _ = writeln!(
            y,
            "  - {{id: r{i}, title: Risk {i}, initiative: i{i}, category: technical, likelihood: {}, impact: {}, mitigation: Watch it., probability: 0.{}, cost: {{low: {}, likely: {}, high: {}}}, delay_months: {{low: 0, likely: 1, high: {}}}}}",
            r.range(1, 5),
            r.range(1, 5),
            r.range(1, 4),
            500,
            r.range(1000, 4000),
            r.range(5000, 10000),
            r.range(2, 4)
        );
    }
    y.push_str("constraints:\n  budget:\n");
    for year in 2027..2027 + (size.months as i32 + 11) / 12 {
        let _ = writeln!(
            y,
            "    - {{period: {year}, amount: {}}}",
            size.initiatives * 5000
        );
    }
    let _ = writeln!(
        y,
        "  staff_hours_per_month: {}\n  max_concurrent: {}",
        (size.initiatives * 8).max(400),
        (size.initiatives / 20).max(10)
    );
    y
}

/// The size of a tight synthetic plan (`tight_plan_yaml_sized`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TightSize {
    /// Number of initiatives.
    pub initiatives: usize,
    /// Planning horizon in months (24 in the benchmark family); the plan starts in January.
    pub months: u32,
    /// Evaluation horizon in months (60 in the benchmark family).
    pub evaluation_months: u32,
}

impl TightSize {
    /// The benchmark family's size: `n` initiatives over 24 months, evaluated over 60.
    pub fn initiatives(n: usize) -> TightSize {
        TightSize {
            initiatives: n,
            months: 24,
            evaluation_months: 60,
        }
    }
}

/// A tight plan (YAML) of `initiatives` initiatives over 24 months, evaluated over 60: the
/// family of issue 20, where a handful of staff hours, two to four changes at once and a
/// budget well below the wish list bind together.
pub fn tight_plan_yaml(initiatives: usize, seed: u64) -> String {
    tight_plan_yaml_sized(TightSize::initiatives(initiatives), seed)
}

/// A tight plan of any size (a shorter horizon makes brute force feasible in tests).
///
/// Each initiative: 1-6 months (at most the horizon); a one-time cost of 500-20,000; a recurring cost of 0 (two in
/// three) or 100-3,000 a year; one saving of 0-12,000 a year; 5-80 staff hours a month. Of
/// the initiatives after the third, 30% depend on one or two earlier ones; 25% of all are in
/// one of `max(N/8, 1)` groups of alternatives. One initiative, chosen at random, is mandatory
/// and cheap (500-2,000, 1-3 months, 5-20 hours a month, no dependency, no group). The budget
/// of each calendar year is 12-30% of the total one-time cost, pro rata for the months of the
/// year inside the horizon; 60-160 staff hours a month; at most 2-4 initiatives at once; a
/// discount rate of 6-10%.
pub fn tight_plan_yaml_sized(size: TightSize, seed: u64) -> String {
    let n = size.initiatives;
    let mut r = SplitMix64::new(seed);
    let rate = r.range(60, 100) as f64 / 1000.0;
    let mut y = String::with_capacity(n * 300 + 400);
    let _ = write!(
        y,
        "version: 1\norganization:\n  name: Tight {seed}\n  currency: USD\n  start: 2027-01\n  horizon_months: {}\n  evaluation_months: {}\n  discount_rate: {rate}\n",
        size.months,
        size.evaluation_months.max(size.months),
    );
    let groups = (n / 8).max(1) as u64;
    let mandatory = if n > 0 {
        r.range(0, n as u64 - 1) as usize
    } else {
        0
    };
    let mut total_cost = 0u64;
    if n > 0 {
        y.push_str("initiatives:\n");
    }
    for i in 0..n {
        let must = i == mandatory;
        // No initiative longer than the horizon (the plan refuses it); 6 months at most.
        let longest = u64::from(size.months.clamp(1, 6));
        let (duration, cost, effort) = if must {
            (
                r.range(1, longest.min(3)),
                r.range(500, 2000),
                r.range(5, 20),
            )
        } else {
            (r.range(1, longest), r.range(500, 20_000), r.range(5, 80))
        };
        let recurring = if r.range(0, 2) == 0 {
            r.range(100, 3000)
        } else {
            0
        };
        let benefit = r.range(0, 12_000);
        total_cost += cost;
        let _ = write!(
            y,
            "  - id: i{i}\n    title: Initiative {i}\n    duration_months: {duration}\n    one_time_cost: {cost}\n    recurring_cost_annual: {recurring}\n    effort_hours_per_month: {effort}\n    benefits:\n      - {{kind: saving, annual: {benefit}}}\n"
        );
        // Drawn for every initiative, so that which one is mandatory changes nothing else.
        let depends = i >= 3 && r.unit() < 0.3;
        let two = r.unit() < 0.5;
        let (a, b) = if i >= 3 {
            (r.range(0, i as u64 - 1), r.range(0, i as u64 - 1))
        } else {
            (0, 0)
        };
        let grouped = r.unit() < 0.25;
        let group = r.range(0, groups - 1);
        if must {
            y.push_str("    mandatory: true\n");
            continue;
        }
        if depends {
            if two && a != b {
                let _ = writeln!(y, "    depends_on: [i{}, i{}]", a.min(b), a.max(b));
            } else {
                let _ = writeln!(y, "    depends_on: [i{a}]");
            }
        }
        if grouped {
            let _ = writeln!(y, "    alternative_group: alt{group}");
        }
    }
    y.push_str("constraints:\n");
    if n > 0 {
        y.push_str("  budget:\n");
        let mut month = 0;
        let mut year = 2027;
        while month < size.months {
            let in_year = (size.months - month).min(12);
            let share = r.range(12, 30);
            let amount = total_cost * share * u64::from(in_year) / (100 * 12);
            let _ = writeln!(y, "    - {{period: {year}, amount: {amount}}}");
            month += in_year;
            year += 1;
        }
    }
    let _ = writeln!(
        y,
        "  staff_hours_per_month: {}\n  max_concurrent: {}",
        r.range(60, 160),
        r.range(2, 4)
    );
    y
}

/// The Corner Bookstore's business data for the 24 months before its plan starts: point-of-sale
/// and web-shop orders, marketing spend, web sessions and survey answers, as CSV files look when
/// exported from the tools a small shop uses. About $150,000 of sales a year, $66,667 of them
/// online, a December peak, a few hundred loyal customers among a few thousand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookstoreData {
    /// `orders.csv`.
    pub orders: String,
    /// `marketing.csv`.
    pub marketing: String,
    /// `sessions.csv`.
    pub sessions: String,
    /// `surveys.csv`.
    pub surveys: String,
}

/// The Corner Bookstore's generated data (2025-01 to 2026-12).
pub fn bookstore_data(seed: u64) -> BookstoreData {
    let mut r = SplitMix64::new(seed);
    let mut orders = String::from("Order Date,Order Number,Customer Email,Total,Channel\n");
    let mut sessions = String::from("Date,Sessions,Conversions\n");
    let mut surveys = String::from("Submitted At,Survey,Score\n");
    let mut marketing = String::from("Month,Channel,Spend\n");
    let days_in = |y: i32, m: u32| match m {
        2 if y % 4 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let mut number = 10_000;
    for k in 0..24u32 {
        let (y, m) = (2025 + (k / 12) as i32, k % 12 + 1);
        // Seasonality: December +60%, summer -10%; slow growth of 0.5% a month.
        let season = match m {
            12 => 1.6,
            11 => 1.15,
            6..=8 => 0.9,
            _ => 1.0,
        };
        let growth = 1.0 + 0.005 * k as f64;
        for (channel, share) in [("social", 180.0), ("email", 60.0), ("print", 120.0)] {
            let spend = share * (0.8 + 0.4 * r.unit());
            let _ = writeln!(marketing, "{y}-{m:02},{channel},{spend:.2}");
        }
        for d in 1..=days_in(y, m) {
            // Store: about 9 orders a day at $23; online: about 7 at $26.
            let store = (9.0 * season * growth * (0.7 + 0.6 * r.unit())) as u32;
            let online = (7.0 * season * growth * (0.7 + 0.6 * r.unit())) as u32;
            for (channel, n, mean) in [("store", store, 23.0), ("online", online, 26.0)] {
                for _ in 0..n {
                    // Loyal customers are a few hundred of the 4,000: the square skews ids low.
                    let u = r.unit();
                    let customer = (u * u * 4000.0) as u32;
                    let total = (mean * (0.3 + 1.4 * r.unit())).max(3.0);
                    number += 1;
                    let _ = writeln!(
                        orders,
                        "{y}-{m:02}-{d:02},{number},reader{customer:04}@example.com,{total:.2},{channel}"
                    );
                }
            }
            let visits = (online as f64 * 22.0 * (0.8 + 0.4 * r.unit())) as u32;
            let _ = writeln!(sessions, "{y}-{m:02}-{d:02},{visits},{online}");
            // A few survey answers a week.
            if r.unit() < 0.35 {
                let score = [5, 5, 4, 4, 4, 3, 5, 2][(r.next_u64() % 8) as usize];
                let _ = writeln!(surveys, "{y}-{m:02}-{d:02},CSAT,{score}");
            }
            if r.unit() < 0.15 {
                let score = [10, 9, 9, 8, 7, 10, 6, 9, 5, 10][(r.next_u64() % 10) as usize];
                let _ = writeln!(surveys, "{y}-{m:02}-{d:02},NPS,{score}");
            }
        }
    }
    BookstoreData {
        orders,
        marketing,
        sessions,
        surveys,
    }
}

/// Plan files that lean on YAML aliases, for the tests and limits of the plan reader's memory
/// (`tests/memory.rs` of the core and of the web): each is a small valid plan whose aliases
/// would copy far more than the file holds.
pub mod aliased {
    /// The smallest valid plan the others extend.
    pub const BASE: &str = "\
version: 1
organization:
  name: Shop
  currency: USD
  start: 2027-01
  horizon_months: 12
  discount_rate: 0.08
";

    /// One long text (`len` bytes) as the title of `n` initiatives, through an alias.
    pub fn long_text(len: usize, n: usize) -> String {
        let mut t = format!("{BASE}x-text: &t \"{}\"\ninitiatives:\n", "x".repeat(len));
        for i in 0..n {
            t.push_str(&format!(
                "  - {{id: i{i}, title: *t, duration_months: 1, one_time_cost: 1}}\n"
            ));
        }
        t
    }

    /// Lists of aliases of lists, `depth` levels of `fan` each over a leaf text of `leaf`
    /// bytes, the last level where risks belong (each copy read as a risk).
    pub fn laughs(leaf: usize, fan: usize, depth: usize) -> String {
        let mut t = format!("{BASE}x-bomb:\n  a0: &a0 [\"{}\"]\n", "l".repeat(leaf));
        for level in 1..depth {
            let items = vec![format!("*a{}", level - 1); fan].join(", ");
            t.push_str(&format!("  a{level}: &a{level} [{items}]\n"));
        }
        t.push_str(&format!("risks: *a{}\n", depth - 1));
        t
    }

    /// An initiative with `keys` extra fields of `len` bytes, aliased `n` times as initiatives.
    pub fn wide_entry(keys: usize, len: usize, n: usize) -> String {
        let extra: String = (0..keys)
            .map(|k| format!(", k{k}: {}", "v".repeat(len)))
            .collect();
        let mut t = format!(
            "{BASE}x-entry: &e {{id: a, title: A, duration_months: 1, one_time_cost: 1{extra}}}\ninitiatives:\n"
        );
        for _ in 0..n {
            t.push_str("  - *e\n");
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_plans_are_valid_and_reproducible() {
        for n in [1, 10, 100, 200, 1000] {
            let text = plan_yaml(Size::initiatives(n), 7);
            assert_eq!(text, plan_yaml(Size::initiatives(n), 7));
            match crate::load_plan("synthetic.yaml", &text) {
                Ok(plan) => assert_eq!(plan.doc().initiatives.len(), n),
                Err(p) => panic!("{}", p.render(Some(&text))),
            }
        }
    }

    #[test]
    fn tight_plans_are_valid_reproducible_and_tight() {
        for n in [1, 3, 6, 30, 50, 200] {
            for seed in [1, 2, 3, 17] {
                let text = tight_plan_yaml(n, seed);
                assert_eq!(text, tight_plan_yaml(n, seed));
                let plan = match crate::load_plan("tight.yaml", &text) {
                    Ok(plan) => plan,
                    Err(p) => panic!("{}\n{text}", p.render(Some(&text))),
                };
                let doc = plan.doc();
                assert_eq!(doc.initiatives.len(), n);
                assert_eq!(doc.initiatives.iter().filter(|i| i.mandatory).count(), 1);
                assert_eq!(doc.constraints.budget.len(), 2, "{text}");
            }
        }
        assert_ne!(tight_plan_yaml(30, 1), tight_plan_yaml(30, 2));
        // A horizon ending mid-year budgets that year pro rata.
        for months in 1..=30 {
            for seed in 0..20 {
                let size = TightSize {
                    initiatives: 5,
                    months,
                    evaluation_months: 60,
                };
                let text = tight_plan_yaml_sized(size, seed);
                if let Err(p) = crate::load_plan("tight.yaml", &text) {
                    panic!("{}\n{text}", p.render(Some(&text)));
                }
            }
        }
    }
}
