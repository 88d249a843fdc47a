//! Days and periods. A day is a count of days since 1970-01-01 (the proleptic Gregorian
//! calendar), so that periods can be computed without a date library.

use serde::Serialize;

/// Days since 1970-01-01 of a calendar date (Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day count (Hinnant's `civil_from_days`).
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Whether a date exists.
pub fn valid_date(y: i32, m: u32, d: u32) -> bool {
    if !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    d <= days[m as usize - 1]
}

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
    fn round_trips_and_known_days() {
        // 2000-03-01 is day 11017 (Python: (date(2000,3,1) - date(1970,1,1)).days).
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for z in [-800_000, -1, 0, 1, 59, 365, 11_016, 20_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert!(valid_date(y, m, d));
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

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
