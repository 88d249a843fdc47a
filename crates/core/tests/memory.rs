//! How much memory reading a plan takes, measured by a counting allocator (`peak_alloc`, the
//! test binary's global allocator; the workspace forbids `unsafe`, which writing one needs).
//!
//! The attack this covers: the alias cap counted values, not bytes, so a 150 KB file (a 100 KB
//! text aliased 10,000 times) took a gigabyte and a 2 MB one aborted the server; an inline list
//! or a JSON file was held whole as scanner tokens, a few hundred bytes each; a list of junk made
//! a problem for every value. The bounds stated in docs/plan-format.md:
//!
//! - a file whose aliases copy text or values: at most 20 times the file plus 64 MiB;
//! - any file (the worst: two million values of two bytes each): at most 64 times the file plus
//!   16 MiB.
//!
//! Measurements run one at a time (the allocator's peak is the process's).

use std::sync::Mutex;

use peak_alloc::PeakAlloc;
use proptest::prelude::*;
use sextant_core::synth::aliased::{BASE, laughs, long_text, wide_entry};

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const MIB: usize = 1024 * 1024;

/// The most bytes allocated at once while `load_plan` reads `text`, above what was allocated
/// before; and the first problem, if it was refused.
fn peak_of(text: &str) -> (usize, Option<String>) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let result = sextant_core::load_plan("plan.yaml", text);
    let peak = PEAK.peak_usage().saturating_sub(before);
    let first = result
        .err()
        .and_then(|p| p.0.into_iter().next())
        .map(|p| p.message);
    (peak, first)
}

/// The bound for files that lean on aliases: 20 times the file plus 64 MiB.
fn alias_bound(len: usize) -> usize {
    20 * len + 64 * MIB
}

/// The bound for any file: 64 times the file plus 16 MiB.
fn any_bound(len: usize) -> usize {
    64 * len + 16 * MIB
}

fn alias_heavy() -> impl Strategy<Value = String> {
    prop_oneof![
        (1usize..200_000, 1usize..12_000).prop_map(|(len, n)| long_text(len, n)),
        (1usize..3000, 2usize..40, 2usize..12).prop_map(|(l, f, d)| laughs(l, f, d)),
        (1usize..4000, 1usize..40, 1usize..3000).prop_map(|(k, l, n)| wide_entry(k, l, n)),
    ]
    .prop_filter("under 4 MB", |t| t.len() < 4_000_000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// No alias-heavy plan under 4 MB makes the core's reading allocate more than 20 times the
    /// file plus 64 MiB.
    #[test]
    fn an_alias_heavy_plan_takes_at_most_twenty_times_the_file_plus_64_mib(text in alias_heavy()) {
        let (peak, first) = peak_of(&text);
        prop_assert!(
            peak <= alias_bound(text.len()),
            "{} bytes took {} bytes at the peak ({:.1}x); first problem: {first:?}",
            text.len(),
            peak,
            peak as f64 / text.len() as f64
        );
    }
}

/// The file: a 100 KB text aliased 10,000 times is refused at the alias that crosses a
/// megabyte, having allocated little (not the gigabyte the copies would take).
#[test]
fn the_long_text_aliased_ten_thousand_times_is_refused_having_allocated_little() {
    let text = long_text(100_000, 10_000);
    let (peak, first) = peak_of(&text);
    assert_eq!(
        first.as_deref(),
        Some("the file's aliases (`*name`) copy too much text")
    );
    assert!(peak <= 8 * MIB, "{peak} bytes");
}

/// Files of many tiny values, the densest a plan can be: about 4 MB each, lists just under the
/// 2,000,000 values a plan may hold.
#[test]
fn any_plan_of_four_megabytes_takes_at_most_64_times_the_file_plus_16_mib() {
    const N: usize = 3_980_000;
    let repeat = |unit: &str| unit.repeat(N / unit.len());
    let cases: Vec<(&str, String)> = vec![
        ("a JSON list of ones", format!("[{}1]", repeat("1,"))),
        (
            "a YAML inline list of ones",
            format!("a: [{}1]", repeat("1,")),
        ),
        ("a YAML block list of ones", repeat("- 1\n")),
        (
            "initiatives of ones",
            format!("{BASE}initiatives: [{}1]", repeat("1,")),
        ),
        (
            "a dependency list",
            format!(
                "{BASE}initiatives:\n- id: a\n  title: a\n  duration_months: 1\n  one_time_cost: 1\n  depends_on: [{}b]\n",
                repeat("b,")
            ),
        ),
        (
            "a JSON mapping of many keys",
            format!(
                "{{{}\"z\": 1}}",
                (0..N / 14)
                    .map(|i| format!("\"k{i:07}\": 1, "))
                    .collect::<String>()
            ),
        ),
        (
            "a YAML inline mapping of many keys",
            format!(
                "{{{}z: 1}}",
                (0..N / 12)
                    .map(|i| format!("k{i:07}: 1, "))
                    .collect::<String>()
            ),
        ),
        ("a megabyte of brackets", "[".repeat(MIB)),
        (
            "a plan of 9,000 initiatives",
            sextant_core::synth::plan_yaml(sextant_core::synth::Size::initiatives(9000), 1),
        ),
    ];
    for (what, text) in cases {
        let (peak, first) = peak_of(&text);
        eprintln!("{what}: {:.1}x {first:?}", peak as f64 / text.len() as f64);
        assert!(
            peak <= any_bound(text.len()),
            "{what}: {} bytes took {} bytes at the peak ({:.1}x); first problem: {first:?}",
            text.len(),
            peak,
            peak as f64 / text.len() as f64
        );
    }
}
