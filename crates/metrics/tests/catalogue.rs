//! The metric catalogue against figures worked out by hand (each in a comment).

#![allow(clippy::unwrap_used)]

use sextant_metrics::calendar::{Granularity, days_from_civil};
use sextant_metrics::catalogue::{Inputs, OrderMetrics, compute};
use sextant_metrics::records::{Answer, Incident, Order, Process, Spend, Survey, Traffic, Usage};

fn d(y: i32, m: u32, day: u32) -> i32 {
    days_from_civil(y, m, day)
}

fn values(t: &sextant_metrics::catalogue::Table, m: &str) -> Vec<Option<f64>> {
    t.get(m).unwrap_or_else(|| panic!("no {m}")).values.clone()
}

#[test]
fn order_metrics_by_month() {
    // March: C0 10 + C1 30 (C0's first, C1's first) ; April: C0 20, C0 20, C2 40.
    let orders = [
        Order {
            day: d(2027, 4, 2),
            customer: 0,
            amount: 20.0,
            channel: Some(1),
        },
        Order {
            day: d(2027, 3, 5),
            customer: 0,
            amount: 10.0,
            channel: Some(0),
        },
        Order {
            day: d(2027, 3, 9),
            customer: 1,
            amount: 30.0,
            channel: Some(1),
        },
        Order {
            day: d(2027, 4, 20),
            customer: 0,
            amount: 20.0,
            channel: Some(1),
        },
        Order {
            day: d(2027, 4, 21),
            customer: 2,
            amount: 40.0,
            channel: Some(0),
        },
    ];
    let mut om = OrderMetrics::new(Granularity::Month);
    for o in &orders {
        om.add(o);
    }
    let spend = [
        Spend {
            day: d(2027, 3, 1),
            channel: Some(0),
            amount: 100.0,
        },
        Spend {
            day: d(2027, 4, 1),
            channel: Some(1),
            amount: 50.0,
        },
    ];
    let t = compute(
        &Inputs {
            orders: Some(&om),
            spend: &spend,
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(t.periods, ["2027-03", "2027-04"]);
    assert_eq!(values(&t, "revenue"), [Some(40.0), Some(80.0)]);
    assert_eq!(values(&t, "orders"), [Some(2.0), Some(3.0)]);
    // AOV: 40 / 2 = 20; 80 / 3 = 26.67.
    assert_eq!(values(&t, "average_order_value"), [Some(20.0), Some(26.67)]);
    // New: C0, C1 in March; C2 in April.
    assert_eq!(values(&t, "new_customers"), [Some(2.0), Some(1.0)]);
    // Active: C0, C1 in March; C0, C2 in April.
    assert_eq!(values(&t, "active_customers"), [Some(2.0), Some(2.0)]);
    // The repeat purchase rate is over the trailing year, from the first month with a full
    // year of orders behind it: none here (see a_falling_repeat_rate_shows_as_falling).
    assert_eq!(values(&t, "repeat_purchase_rate"), [None, None]);
    // CAC: 100 / 2 new = 50; 50 / 1 new = 50.
    assert_eq!(values(&t, "cac"), [Some(50.0), Some(50.0)]);
    // By channel 0: March spend 100, new via channel 0 = C0 -> 100; April none spent -> 0/1.
    let cac0 = t
        .series
        .iter()
        .find(|s| s.metric == "cac" && s.by.as_deref() == Some("channel 0"))
        .unwrap();
    assert_eq!(cac0.values, [Some(100.0), Some(0.0)]);
    let rev1 = t
        .series
        .iter()
        .find(|s| s.metric == "revenue" && s.by.as_deref() == Some("channel 1"))
        .unwrap();
    assert_eq!(rev1.values, [Some(30.0), Some(40.0)]);
}

#[test]
fn simple_cltv_from_two_years() {
    // 2026: customers 0..4 each order once on 1 January (4 active). 2027: customers 0 and 1
    // order twice each, in March and on 31 December, at 50. For 2027-12: trailing year revenue
    // 200, orders 4, AOV 50; active last year 2 -> 2 orders each; year before 4 active, 2
    // churned: churn 0.5, lifetime 2 years. CLTV = 50 x 2 x 0.4 (margin) x 2 = 80.
    // 2027-12 is the first month with 24 months of orders behind it; before it the "year
    // before" would start before the data, and the churn count from the start of the data:
    // undefined. (It was 80 from 2027-06 on with orders to June, over a year before of six
    // months.)
    let mut om = OrderMetrics::new(Granularity::Month);
    for c in 0..4 {
        om.add(&Order {
            day: d(2026, 1, 1),
            customer: c,
            amount: 10.0,
            channel: None,
        });
    }
    for c in 0..2 {
        for day in [d(2027, 3, 10), d(2027, 12, 31)] {
            om.add(&Order {
                day,
                customer: c,
                amount: 50.0,
                channel: None,
            });
        }
    }
    let t = compute(
        &Inputs {
            orders: Some(&om),
            gross_margin: Some(0.4),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    let cltv = values(&t, "cltv");
    assert_eq!(t.periods[23], "2027-12");
    assert_eq!(cltv[23], Some(80.0));
    assert_eq!(cltv[..23], [None; 23]);
}

#[test]
fn traffic_surveys_incidents_usage_processes() {
    let traffic = [
        Traffic {
            day: d(2027, 3, 1),
            channel: None,
            sessions: 1000.0,
            conversions: 25.0,
        },
        Traffic {
            day: d(2027, 3, 2),
            channel: None,
            sessions: 1000.0,
            conversions: 15.0,
        },
    ];
    // CSAT: 5, 4, 2, 3 -> 2 of 4 = 0.5. NPS: 10, 9, 8, 6, 0 -> (2 - 2) / 5 = 0 points;
    // eNPS: 9, 9, 5 -> (2 - 1) / 3 = 33.3 points.
    let mut answers = Vec::new();
    for s in [5.0, 4.0, 2.0, 3.0] {
        answers.push(Answer {
            day: d(2027, 3, 3),
            survey: Survey::Csat,
            score: s,
        });
    }
    for s in [10.0, 9.0, 8.0, 6.0, 0.0] {
        answers.push(Answer {
            day: d(2027, 3, 3),
            survey: Survey::Nps,
            score: s,
        });
    }
    for s in [9.0, 9.0, 5.0] {
        answers.push(Answer {
            day: d(2027, 3, 3),
            survey: Survey::Enps,
            score: s,
        });
    }
    // March has 31 x 1440 = 44,640 minutes. Two outages of 120 and 60 minutes: downtime 180,
    // uptime 1 - 180/44640; MTTR (120 + 60 + 30 for the security incident) / 3 = 70 min =
    // 1.1667 h; MTBF (44640 - 180) / 60 / 2 = 370.5 h.
    let m = |day: u32, h: i64| i64::from(d(2027, 3, day)) * 1440 + h * 60;
    let incidents = [
        Incident {
            start: m(2, 10),
            end: Some(m(2, 12)),
            security: false,
            outage: true,
            system: None,
        },
        Incident {
            start: m(9, 8),
            end: Some(m(9, 9)),
            security: false,
            outage: true,
            system: None,
        },
        Incident {
            start: m(20, 8),
            end: Some(m(20, 8) + 30),
            security: true,
            outage: false,
            system: None,
        },
    ];
    let usage = [
        Usage {
            day: d(2027, 3, 1),
            system: 0,
            active: 8.0,
            licensed: 10.0,
        },
        Usage {
            day: d(2027, 3, 1),
            system: 1,
            active: 1.0,
            licensed: 10.0,
        },
    ];
    let processes = [
        // Invoicing automated: 5,000 a year before, 1,500 now; reconciliation: 3,000 -> 2,000.
        Process {
            name: 0,
            automated: true,
            baseline_cost: Some(5000.0),
            cost: Some(1500.0),
        },
        Process {
            name: 1,
            automated: false,
            baseline_cost: None,
            cost: None,
        },
        Process {
            name: 2,
            automated: false,
            baseline_cost: Some(3000.0),
            cost: Some(2000.0),
        },
        Process {
            name: 3,
            automated: true,
            baseline_cost: None,
            cost: Some(10.0),
        },
    ];
    let t = compute(
        &Inputs {
            traffic: &traffic,
            answers: &answers,
            incidents: &incidents,
            usage: &usage,
            processes: &processes,
            employees: Some(8),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(values(&t, "conversion_rate"), [Some(0.02)]);
    assert_eq!(values(&t, "csat"), [Some(0.5)]);
    assert_eq!(values(&t, "nps"), [Some(0.0)]);
    assert_eq!(values(&t, "enps"), [Some(33.33)]);
    assert_eq!(
        values(&t, "uptime"),
        [Some(0.996)] /* 1 - 180 / 44640 = 0.99597 */
    );
    assert_eq!(values(&t, "mttr"), [Some(1.17)] /* 70 / 60 */);
    assert_eq!(values(&t, "mtbf"), [Some((44640.0 - 180.0) / 60.0 / 2.0)]);
    assert_eq!(values(&t, "security_incidents"), [Some(1.0)]);
    // 1 incident per 8 employees = 12.5 per 100.
    assert_eq!(
        values(&t, "security_incidents_per_100_employees"),
        [Some(12.5)]
    );
    // (8 + 1) / (10 + 10) = 0.45.
    assert_eq!(values(&t, "adoption_rate"), [Some(0.45)]);
    assert_eq!(values(&t, "automation_rate"), [Some(0.5)]);
    // (5000 - 1500) + (3000 - 2000) = 4,500.
    assert_eq!(values(&t, "tech_cost_reduction"), [Some(4500.0)]);
}

#[test]
fn weeks_and_quarters() {
    let mut om = OrderMetrics::new(Granularity::Week);
    // Monday 2027-03-15 and Sunday 2027-03-21 share an ISO week; Monday 03-22 starts the next.
    for (day, amt) in [(15, 1.0), (21, 2.0), (22, 4.0)] {
        om.add(&Order {
            day: d(2027, 3, day),
            customer: 0,
            amount: amt,
            channel: None,
        });
    }
    let t = compute(
        &Inputs {
            orders: Some(&om),
            ..Inputs::default()
        },
        Granularity::Week,
        None,
        None,
    );
    assert_eq!(t.periods, ["2027-03-15", "2027-03-22"]);
    assert_eq!(values(&t, "revenue"), [Some(3.0), Some(4.0)]);
}

#[test]
fn online_revenue_and_its_growth_against_a_year_before() {
    use sextant_metrics::records::Names;
    let mut channels = Names::default();
    let (online, store) = (channels.intern("Online shop"), channels.intern("store"));
    let mut om = OrderMetrics::new(Granularity::Month);
    // March 2026: 100 online, 50 in store; March 2027: 150 online. Growth 150 / 100 - 1 = 0.5.
    // (On the 1st: data starting on the 10th would cover March 2026 in part, and no growth is
    // measured against a partial month.)
    for (y, amount, ch) in [
        (2026, 100.0, online),
        (2026, 50.0, store),
        (2027, 150.0, online),
    ] {
        om.add(&Order {
            day: d(y, 3, 1),
            customer: 0,
            amount,
            channel: Some(ch),
        });
    }
    let t = compute(
        &Inputs {
            orders: Some(&om),
            channels: Some(&channels),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    let online_rev = values(&t, "online_revenue");
    assert_eq!((online_rev[0], online_rev[12]), (Some(100.0), Some(150.0)));
    assert_eq!(values(&t, "tech_revenue_growth")[12], Some(0.5));
    assert_eq!(values(&t, "tech_revenue_growth")[0], None);
}

#[test]
fn a_falling_repeat_rate_shows_as_falling() {
    // 2026: A orders on Jan 1 and Feb 1, B on Mar 1 and Apr 1 (two purchase occasions each),
    // C on May 1, D on Jun 1. 2027: A and B buy no more; C comes back once (Jul 1), D once
    // (Aug 1), E buys once (Sep 1), F twice on one day (Dec 31: one purchase occasion).
    //
    // Over the trailing 12 months (from the first month with a full year of orders behind
    // it, 2026-12):
    //   2026-12 (2026-01..12): A 2, B 2, C 1, D 1        -> 2 / 4 = 0.5
    //   2027-01 (2026-02..2027-01): A 1, B 2, C, D        -> 1 / 4 = 0.25
    //   2027-02 (2026-03..2027-02): B 2, C, D             -> 1 / 3 = 0.3333
    //   2027-03 (2026-04..): B 1, C, D                    -> 0 / 3
    //   2027-04: C, D -> 0 / 2; 2027-05: D -> 0 / 1; 2027-06: nobody -> undefined
    //   2027-07: C -> 0 / 1; 2027-08: C, D -> 0 / 2; 2027-09..11: C, D, E -> 0 / 3
    //   2027-12 (2027-01..12): C, D, E, F                 -> 0 / 4
    // Counted from the start of the data, it rose instead: 2 of 4 customers with 2 orders or
    // more by 2026-12, 4 of 4 by 2027-08 (C and D back), 5 of 6 by 2027-12 (F's two orders).
    let (a, b, c, dd, e, f) = (0, 1, 2, 3, 4, 5);
    let orders = [
        (a, d(2026, 1, 1)),
        (a, d(2026, 2, 1)),
        (b, d(2026, 3, 1)),
        (b, d(2026, 4, 1)),
        (c, d(2026, 5, 1)),
        (dd, d(2026, 6, 1)),
        (c, d(2027, 7, 1)),
        (dd, d(2027, 8, 1)),
        (e, d(2027, 9, 1)),
        (f, d(2027, 12, 31)),
        (f, d(2027, 12, 31)),
    ];
    let mut om = OrderMetrics::new(Granularity::Month);
    for (customer, day) in orders {
        om.add(&Order {
            day,
            customer,
            amount: 20.0,
            channel: None,
        });
    }
    let t = compute(
        &Inputs {
            orders: Some(&om),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(t.periods.len(), 24);
    let rate = values(&t, "repeat_purchase_rate");
    // Before a full year of orders: not computed on a part of a year.
    assert_eq!(rate[..11], [None; 11]);
    assert_eq!(
        rate[11..],
        [
            Some(0.5),
            Some(0.25),
            Some(0.3333),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            None,
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0)
        ]
    );
    // The same orders split between two accumulators (as the import's threads do) and
    // merged give the same rate.
    let (mut one, mut two) = (
        OrderMetrics::new(Granularity::Month),
        OrderMetrics::new(Granularity::Month),
    );
    for (k, (customer, day)) in orders.into_iter().enumerate() {
        let o = Order {
            day,
            customer,
            amount: 20.0,
            channel: None,
        };
        if k % 2 == 0 { one.add(&o) } else { two.add(&o) }
    }
    one.merge(two);
    let merged = compute(
        &Inputs {
            orders: Some(&one),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    assert_eq!(values(&merged, "repeat_purchase_rate"), rate);
}
