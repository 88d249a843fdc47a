//! `sextant bench metrics`: generated orders, imported and turned into monthly KPIs.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use sextant_core::synth::SplitMix64;
use sextant_ingest::Options;
use sextant_metrics::calendar::{Granularity, day_label, days_from_civil};
use sextant_metrics::catalogue::{self, Inputs};
use sextant_metrics::records::Names;

/// Peak resident memory of this process so far, in MiB (Linux), if known.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Writes `orders` rows of realistic orders: two years of dates with a weekly and a yearly
/// rhythm, customers of very unequal loyalty, totals with a long tail, three channels.
pub fn generate(path: &PathBuf, orders: u64, customers: u64, seed: u64) -> std::io::Result<()> {
    let mut r = SplitMix64::new(seed);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "Order ID,Order Date,Customer ID,Total,Channel")?;
    let start = days_from_civil(2025, 1, 1);
    let channels = ["store", "online", "marketplace"];
    for i in 0..orders {
        // Loyal customers order more: the square of a uniform skews towards low ids.
        let u = r.unit();
        let c = ((u * u) * customers as f64) as u64;
        let mut day = start + (r.next_u64() % 730) as i32;
        // A December peak: some orders move into December.
        if r.unit() < 0.1 {
            day = start + 334 + (r.next_u64() % 31) as i32 + if r.unit() < 0.5 { 0 } else { 365 };
        }
        let total = 5.0 + (-(1.0 - r.unit()).ln()) * 40.0;
        let ch = channels[(r.next_u64() % 3) as usize];
        writeln!(
            w,
            "{},{},C{c:07},{total:.2},{ch}",
            100_000 + i,
            day_label(day)
        )?;
    }
    w.flush()
}

/// Runs the benchmark.
pub fn metrics(
    orders: u64,
    customers: u64,
    seed: u64,
    keep: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let temporary = keep.is_none();
    let path = keep.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("sextant-bench-orders-{}.csv", std::process::id()))
    });
    let t = Instant::now();
    generate(&path, orders, customers, seed)?;
    let size = std::fs::metadata(&path)?.len();
    println!(
        "generated {orders} orders of {customers} customers: {:.0} MiB in {:.1} s ({})",
        size as f64 / 1048576.0,
        t.elapsed().as_secs_f64(),
        path.display()
    );
    let before = peak_mib();
    // Baseline: read every record with the csv crate, untyped.
    let t = Instant::now();
    let mut rdr = csv::Reader::from_path(&path)?;
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    while rdr.read_byte_record(&mut rec)? {
        n += 1;
    }
    let base = t.elapsed().as_secs_f64();
    // Import and monthly KPIs.
    let t = Instant::now();
    let mut chan = Names::default();
    let (om, report) = sextant_ingest::read_orders(
        &path,
        &Options::default(),
        Granularity::Month,
        &mut chan,
        |_| {},
    )?;
    let import = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let table = catalogue::compute(
        &Inputs {
            orders: Some(&om),
            channels: Some(&chan),
            ..Inputs::default()
        },
        Granularity::Month,
        None,
        None,
    );
    let kpis = t.elapsed().as_secs_f64();
    let total = import + kpis;
    println!(
        "{:<34} {:>9} {:>14} {:>9}",
        "stage", "seconds", "rows/s", "x read"
    );
    println!(
        "{:<34} {:>9.3} {:>14.0} {:>9.2}",
        "baseline: csv records, untyped",
        base,
        n as f64 / base,
        1.0
    );
    println!(
        "{:<34} {:>9.3} {:>14.0} {:>9.2}",
        "import (typed, interned, checked)",
        import,
        report.rows as f64 / import,
        import / base
    );
    println!(
        "{:<34} {:>9.3} {:>14} {:>9.2}",
        "monthly KPIs from the accumulator",
        kpis,
        "",
        kpis / base
    );
    println!(
        "{:<34} {:>9.3} {:>14.0} {:>9.2}",
        "import + KPIs",
        total,
        report.rows as f64 / total,
        total / base
    );
    println!(
        "{} periods, {} series; peak memory {:.0} MiB (before import {:.0} MiB)",
        table.periods.len(),
        table.series.len(),
        peak_mib().unwrap_or(f64::NAN),
        before.unwrap_or(f64::NAN)
    );
    if temporary {
        let _ = std::fs::remove_file(&path);
    }
    Ok(ExitCode::SUCCESS)
}

/// BG/NBD and Gamma-Gamma fitted on simulated customers.
pub fn clv(customers: u32, seed: u64) -> anyhow::Result<ExitCode> {
    use sextant_metrics::bgnbd::{self, Unit};
    let (truth_bg, truth_gg) = ((0.5, 5.0, 0.8, 2.5), (6.0, 4.0, 15.0));
    let t = Instant::now();
    let orders = bgnbd::simulate_orders(customers, 52.0, truth_bg, truth_gg, seed);
    let summary = bgnbd::summarise(&orders, 52 * 7, Unit::Week);
    println!(
        "simulated {customers} customers, {} orders, over 52 weeks in {:.1} s",
        orders.len(),
        t.elapsed().as_secs_f64()
    );
    drop(orders);
    let t = Instant::now();
    let _ = bgnbd::bgnbd_log_likelihood(&[0.0, 1.0, 0.0, 0.0], &summary);
    let one = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let bg = bgnbd::fit_bgnbd(&summary)?;
    let fit_bg = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let gg = bgnbd::fit_gamma_gamma(&summary)?;
    let fit_gg = t.elapsed().as_secs_f64();
    println!("{:<40} {:>9} {:>9}", "stage", "seconds", "x 1 eval");
    println!(
        "{:<40} {:>9.3} {:>9.1}",
        "baseline: one BG/NBD log-likelihood", one, 1.0
    );
    println!("{:<40} {:>9.3} {:>9.1}", "fit BG/NBD", fit_bg, fit_bg / one);
    println!(
        "{:<40} {:>9.3} {:>9.1}",
        "fit Gamma-Gamma",
        fit_gg,
        fit_gg / one
    );
    println!(
        "{:<40} {:>9.3} {:>9.1}",
        "both",
        fit_bg + fit_gg,
        (fit_bg + fit_gg) / one
    );
    println!(
        "BG/NBD r {:.4} alpha {:.4} a {:.4} b {:.4} (true 0.5, 5, 0.8, 2.5); Gamma-Gamma p {:.3} q {:.3} v {:.3} (true 6, 4, 15)",
        bg.r, bg.alpha, bg.a, bg.b, gg.p, gg.q, gg.v
    );
    Ok(ExitCode::SUCCESS)
}
