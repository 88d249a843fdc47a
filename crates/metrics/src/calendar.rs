//! The periods metrics are computed over. A day is a count of days since 1970-01-01 (the
//! proleptic Gregorian calendar); the civil-date arithmetic and the reading of period labels
//! are the core's ([`sextant_core::calendar`]), re-exported here.

use serde::Serialize;

/// Dates are computed in one place, the core's calendar (which also reads period labels).
pub use sextant_core::calendar::{civil_from_days, days_from_civil, valid_date};

/// The length of periods a metric is computed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    #[default]
    Month,
    /// Calendar quarters.
    Quarter,
}

impl Granularity {
    /// The index of the period holding a day: weeks since the Monday 1969-12-29, months or
    /// quarters since January 1970.
    #[inline]
    pub fn index(self, day: i32) -> i32 {
        match self {
            Granularity::Week => (day + 3).div_euclid(7),
            Granularity::Month | Granularity::Quarter => {
                let (y, m, _) = civil_from_days(day);
                let months = (y - 1970) * 12 + m as i32 - 1;
                if self == Granularity::Month {
                    months
                } else {
                    months.div_euclid(3)
                }
            }
        }
    }

    /// The first day of a period.
    #[inline]
    pub fn first_day(self, index: i32) -> i32 {
        match self {
            Granularity::Week => index * 7 - 3,
            Granularity::Month => days_from_civil(
                1970 + index.div_euclid(12),
                index.rem_euclid(12) as u32 + 1,
                1,
            ),
            Granularity::Quarter => Granularity::Month.first_day(index * 3),
        }
    }

    /// The number of days in a period.
    pub fn days(self, index: i32) -> i32 {
        self.first_day(index + 1) - self.first_day(index)
    }

    /// A period's label: `2027-03`, `2027-Q1`, or the ISO week's Monday `2027-03-01`.
    pub fn label(self, index: i32) -> String {
        let (y, m, d) = civil_from_days(self.first_day(index));
        match self {
            Granularity::Week => format!("{y:04}-{m:02}-{d:02}"),
            Granularity::Month => format!("{y:04}-{m:02}"),
            Granularity::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
        }
    }
}

/// A day as `YYYY-MM-DD`.
pub fn day_label(day: i32) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let day = days_from_civil(2027, 3, 17);
        assert_eq!(
            Granularity::Month.label(Granularity::Month.index(day)),
            "2027-03"
        );
        assert_eq!(
            Granularity::Quarter.label(Granularity::Quarter.index(day)),
            "2027-Q1"
        );
        // 2027-03-17 is a Wednesday; its ISO week starts Monday 2027-03-15.
        assert_eq!(
            Granularity::Week.label(Granularity::Week.index(day)),
            "2027-03-15"
        );
        assert_eq!(Granularity::Month.days(Granularity::Month.index(day)), 31);
        assert_eq!(
            Granularity::Month.days(Granularity::Month.index(days_from_civil(2028, 2, 1))),
            29
        );
        assert!(!valid_date(2027, 2, 29));
    }
}
