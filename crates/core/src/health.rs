//! A client's health for the consultant's portfolio: a score from 0 to 100 made of five parts,
//! each with its points and the reason in words, so that the portfolio can sort clients by what
//! needs attention and say why; and the review rhythm (when the next review is due, and whether
//! it is overdue).
//!
//! The parts (100 points in all):
//!
//! - **Security, 25**: 25 × the latest assessment's overall score (weighted, over the controls
//!   answered); never assessed, 0.
//! - **Devices, 20**: 20 × the share of the asset register not out of warranty or support, nor
//!   within the warning months of either; no asset list, 0.
//! - **Goals, 25**: 25 × the mean of each goal's standing: achieved or on track 1, at risk 0.5,
//!   not measured yet 0.5 (a goal without figures is neither good nor lost), off track or missed
//!   0; no goal, 0.
//! - **Reviews, 15**: 15 while the next review is not overdue; overdue or never held, 0.
//! - **Roadmap, 15**: proven optimal 15; a schedule the time limit stopped short of proving
//!   10; no schedule meets the plan's limits, none was found within the time limit, or no plan,
//!   0.
//!
//! The score is the sum, rounded to a whole number.

use serde::Serialize;

use crate::model::{BudgetPeriod, Date};

/// One part of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// `security`, `devices`, `goals`, `reviews` or `roadmap`.
    pub part: &'static str,
    /// Points earned.
    pub points: f64,
    /// Points possible.
    pub of: f64,
    /// Why, in words.
    pub why: String,
}

/// A client's health.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// 0 to 100.
    pub score: u32,
    /// Its parts, in the order above.
    pub parts: Vec<Part>,
}

/// How the goals stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Goals {
    /// Goals in the plan.
    pub total: u32,
    /// Achieved or on track.
    pub on_track: u32,
    /// At risk.
    pub at_risk: u32,
    /// Off track or missed.
    pub off_track: u32,
    /// Without figures yet.
    pub not_measured: u32,
}

/// When the next review is due.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Review {
    /// Due by `by`, not yet overdue.
    Due {
        /// The last day it is due by.
        by: Date,
    },
    /// It was due by `by`, which has passed.
    Overdue {
        /// The day it was due by.
        by: Date,
    },
}

impl Review {
    /// Whether it is overdue.
    pub fn overdue(self) -> bool {
        matches!(self, Review::Overdue { .. })
    }

    /// The day it is (or was) due by.
    pub fn by(self) -> Date {
        match self {
            Review::Due { by } | Review::Overdue { by } => by,
        }
    }
}

/// The roadmap's standing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Roadmap {
    /// Proven the best.
    Optimal,
    /// A schedule, not proven the best (the time limit stopped the search).
    Gap,
    /// No schedule meets the plan's limits.
    Infeasible,
    /// The search found no schedule within its time limit (it may exist).
    Unknown,
    /// No plan.
    None,
}

/// What the score is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// The latest assessment's overall score (0 to 1), if any was scored.
    pub assessment: Option<f64>,
    /// Assets in the register, and those out of warranty or support or within the warning
    /// months of either.
    pub assets: (u32, u32),
    /// The goals.
    pub goals: Goals,
    /// The next review; `None` when none was ever held.
    pub review: Option<Review>,
    /// The roadmap.
    pub roadmap: Roadmap,
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The health of one client.
pub fn health(i: &Inputs) -> Health {
    let mut parts = Vec::with_capacity(5);
    parts.push(match i.assessment {
        Some(s) => Part {
            part: "security",
            points: 25.0 * s.clamp(0.0, 1.0),
            of: 25.0,
            why: format!(
                "the latest assessment scores {} out of 100",
                (s * 100.0).round()
            ),
        },
        None => Part {
            part: "security",
            points: 0.0,
            of: 25.0,
            why: "never assessed against a standard".into(),
        },
    });
    let (n, bad) = i.assets;
    parts.push(if n == 0 {
        Part {
            part: "devices",
            points: 0.0,
            of: 20.0,
            why: "no asset list".into(),
        }
    } else {
        Part {
            part: "devices",
            points: 20.0 * f64::from(n - bad.min(n)) / f64::from(n),
            of: 20.0,
            why: format!(
                "{} of {} out of warranty or support, or soon",
                bad.min(n),
                plural(n, "device", "devices")
            ),
        }
    });
    let g = i.goals;
    parts.push(if g.total == 0 {
        Part {
            part: "goals",
            points: 0.0,
            of: 25.0,
            why: "no goal set".into(),
        }
    } else {
        let good = f64::from(g.on_track) + 0.5 * f64::from(g.at_risk + g.not_measured);
        Part {
            part: "goals",
            points: 25.0 * good / f64::from(g.total),
            of: 25.0,
            why: format!(
                "{} of {} off track, {} at risk, {} not measured yet",
                g.off_track,
                plural(g.total, "goal", "goals"),
                g.at_risk,
                g.not_measured
            ),
        }
    });
    parts.push(match i.review {
        None => Part {
            part: "reviews",
            points: 0.0,
            of: 15.0,
            why: "no review held yet".into(),
        },
        Some(Review::Overdue { by }) => Part {
            part: "reviews",
            points: 0.0,
            of: 15.0,
            why: format!("a review was due by {}", crate::asset::long_date(by)),
        },
        Some(Review::Due { by }) => Part {
            part: "reviews",
            points: 15.0,
            of: 15.0,
            why: format!("the next review is due by {}", crate::asset::long_date(by)),
        },
    });
    parts.push(match i.roadmap {
        Roadmap::Optimal => Part {
            part: "roadmap",
            points: 15.0,
            of: 15.0,
            why: "the roadmap is the best possible within the plan's limits".into(),
        },
        Roadmap::Gap => Part {
            part: "roadmap",
            points: 10.0,
            of: 15.0,
            why: "the roadmap meets the plan's limits, not proven the best".into(),
        },
        Roadmap::Infeasible => Part {
            part: "roadmap",
            points: 0.0,
            of: 15.0,
            why: "no roadmap meets the plan's budget and limits".into(),
        },
        Roadmap::Unknown => Part {
            part: "roadmap",
            points: 0.0,
            of: 15.0,
            why: "the search found no roadmap within its time limit".into(),
        },
        Roadmap::None => Part {
            part: "roadmap",
            points: 0.0,
            of: 15.0,
            why: "no plan yet".into(),
        },
    });
    let score = parts.iter().map(|p| p.points).sum::<f64>().round() as u32;
    Health { score, parts }
}

/// Months between reviews by default: quarterly.
pub const REVIEW_MONTHS: u32 = 3;

/// When the next review is due, reviews being held every `every` months (1 to 12) from the
/// start of the fiscal year (`fiscal_year_start`): in the first month of each such period. After
/// a review held on `last`, the next is due by the end of the first month of the next period;
/// with none held, by the end of the first month of the current period. Overdue once that day
/// has passed on `today`.
pub fn next_review(last: Option<Date>, today: Date, fiscal_year_start: u32, every: u32) -> Review {
    let every = every.clamp(1, 12) as i32;
    let (fy_start, _) =
        BudgetPeriod::year_of(today.month(), fiscal_year_start).months(fiscal_year_start);
    // The start of the period a month is in.
    let period_of = |m: crate::model::Month| {
        let k = m.since(fy_start).div_euclid(every);
        fy_start.plus(k * every)
    };
    let first = match last {
        Some(l) => period_of(l.month()).plus(every),
        None => period_of(today.month()),
    };
    let by = Date::new(first, first.days()).unwrap_or(today);
    if today > by {
        Review::Overdue { by }
    } else {
        Review::Due { by }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_next_review_follows_the_fiscal_quarters() {
        // Fiscal year from January: quarters start in January, April, July, October.
        // Reviewed 2026-11-05 (in Q4): the next is due by 2027-01-31.
        let r = next_review(Some(d("2026-11-05")), d("2026-12-04"), 1, 3);
        assert_eq!(
            r,
            Review::Due {
                by: d("2027-01-31")
            }
        );
        // On 2027-02-01 with no review since: overdue.
        let r = next_review(Some(d("2026-11-05")), d("2027-02-01"), 1, 3);
        assert_eq!(
            r,
            Review::Overdue {
                by: d("2027-01-31")
            }
        );
        // Never reviewed, on 2026-12-04: due by the end of October, the current period's first
        // month: overdue.
        let r = next_review(None, d("2026-12-04"), 1, 3);
        assert_eq!(
            r,
            Review::Overdue {
                by: d("2026-10-31")
            }
        );
        // Fiscal year from July: Q2 starts in October too; from April, Q3 starts in October.
        let r = next_review(Some(d("2026-08-20")), d("2026-09-01"), 7, 3);
        assert_eq!(
            r,
            Review::Due {
                by: d("2026-10-31")
            }
        );
        let r = next_review(Some(d("2026-03-20")), d("2026-03-25"), 4, 3);
        assert_eq!(
            r,
            Review::Due {
                by: d("2026-04-30")
            }
        );
        // Monthly reviews.
        let r = next_review(Some(d("2026-12-01")), d("2026-12-04"), 1, 1);
        assert_eq!(
            r,
            Review::Due {
                by: d("2027-01-31")
            }
        );
    }

    /// Worked by hand: assessment 0.34 (8.5 of 25), 15 devices of which 6 need attention
    /// (20 × 9/15 = 12), 4 goals: 1 on track, 1 at risk, 1 not measured, 1 off track
    /// (25 × (1 + 0.5 + 0.5) / 4 = 12.5), the review overdue (0), the roadmap optimal (15):
    /// 8.5 + 12 + 12.5 + 0 + 15 = 48.
    #[test]
    fn a_score_worked_out_by_hand() {
        let h = health(&Inputs {
            assessment: Some(0.34),
            assets: (15, 6),
            goals: Goals {
                total: 4,
                on_track: 1,
                at_risk: 1,
                off_track: 1,
                not_measured: 1,
            },
            review: Some(Review::Overdue {
                by: d("2026-10-31"),
            }),
            roadmap: Roadmap::Optimal,
        });
        assert_eq!(h.score, 48);
        let pts: Vec<f64> = h.parts.iter().map(|p| p.points).collect();
        assert_eq!(pts, vec![8.5, 12.0, 12.5, 0.0, 15.0]);
        assert_eq!(h.parts[3].why, "a review was due by 31 October 2026");
        assert_eq!(
            h.parts[2].why,
            "1 of 4 goals off track, 1 at risk, 1 not measured yet"
        );
        // Nothing known: 0.
        let h = health(&Inputs {
            assessment: None,
            assets: (0, 0),
            goals: Goals::default(),
            review: None,
            roadmap: Roadmap::None,
        });
        assert_eq!(h.score, 0);
        // Everything well: 100.
        let h = health(&Inputs {
            assessment: Some(1.0),
            assets: (3, 0),
            goals: Goals {
                total: 2,
                on_track: 2,
                ..Goals::default()
            },
            review: Some(Review::Due {
                by: d("2027-01-31"),
            }),
            roadmap: Roadmap::Optimal,
        });
        assert_eq!(h.score, 100);
    }
}
