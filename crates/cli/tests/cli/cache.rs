//! The roadmap cache and `simulate --roadmap`: a kept roadmap gives the numbers a search
//! gives, a changed plan is searched again, a broken entry is ignored and written over, and a
//! roadmap of another plan is refused with what was expected and what was found.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use super::{TIGHT, demo, sextant_cached, stderr, stdout, temp_dir};

/// The cache's entries (their files).
fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cache.join("roadmaps"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `sextant <args>` with the cache `cache`, which must succeed; its standard output.
fn ok(cache: &Path, args: &[&str]) -> String {
    let out = sextant_cached(cache, args, None);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Marks the kept roadmap so that a run reading it shows it: its search's seconds.
fn mark(entry: &Path) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(entry).unwrap()).unwrap();
    v["solve_seconds"] = serde_json::json!(4321.5);
    std::fs::write(entry, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn solve_seconds(json: &str) -> f64 {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["solve_seconds"].as_f64().unwrap()
}

#[test]
fn a_kept_roadmap_gives_the_simulation_a_search_gives() {
    let dir = temp_dir("cache-hit");
    let cache = dir.join("cache");
    let plan = demo();
    let plan = plan.to_str().unwrap();
    let sim = [
        "simulate", plan, "--format", "json", "--trials", "3000", "--seed", "7",
    ];
    let cold = ok(&cache, &[&sim[..], &["--no-cache"]].concat());
    assert!(entries(&cache).is_empty(), "--no-cache keeps nothing");
    // The first run searches and keeps the roadmap; `roadmap` then reads it (the mark shows).
    assert_eq!(ok(&cache, &sim), cold);
    let kept = entries(&cache);
    assert_eq!(kept.len(), 1, "{kept:?}");
    mark(&kept[0]);
    let roadmap = ok(&cache, &["roadmap", plan, "--format", "json"]);
    assert_eq!(solve_seconds(&roadmap), 4321.5);
    // The simulation of the kept roadmap: the cold run's numbers.
    assert_eq!(ok(&cache, &sim), cold);
    // Another search (another time limit) is another entry.
    ok(
        &cache,
        &["roadmap", plan, "--format", "json", "--time-limit", "9"],
    );
    assert_eq!(entries(&cache).len(), 2);
}

#[test]
fn a_changed_plan_is_searched_again() {
    let dir = temp_dir("cache-miss");
    let cache = dir.join("cache");
    let file = dir.join("plan.yaml");
    std::fs::write(&file, TIGHT).unwrap();
    let f = file.to_str().unwrap();
    let before = ok(&cache, &["roadmap", f, "--format", "json"]);
    mark(&entries(&cache)[0]);
    assert_eq!(
        solve_seconds(&ok(&cache, &["roadmap", f, "--format", "json"])),
        4321.5
    );
    // One cost changed: not the kept roadmap.
    std::fs::write(
        &file,
        TIGHT.replace("one_time_cost: 8000", "one_time_cost: 7000"),
    )
    .unwrap();
    let after = ok(&cache, &["roadmap", f, "--format", "json"]);
    assert_ne!(solve_seconds(&after), 4321.5);
    assert_ne!(after, before);
    let v: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(v["schedule"][0]["cost"], 7000.0);
    assert_eq!(entries(&cache).len(), 2);
}

#[test]
fn a_broken_entry_is_ignored_and_written_over() {
    let dir = temp_dir("cache-corrupt");
    let cache = dir.join("cache");
    let plan = demo();
    let plan = plan.to_str().unwrap();
    let sim = ["simulate", plan, "--format", "json", "--trials", "500"];
    let cold = ok(&cache, &sim);
    let entry = entries(&cache).remove(0);
    let good = std::fs::read(&entry).unwrap();
    for broken in [
        &b""[..],
        b"{\"status\": \"optimal\", \"sched",
        b"not json at all",
        b"{\"status\": \"optimal\", \"objective_kind\": \"npv\", \"objective\": 1, \"bound\": 1, \"schedule\": [{\"id\": \"nobody\", \"start_month\": 0, \"duration_months\": 1}]}",
    ] {
        std::fs::write(&entry, broken).unwrap();
        assert_eq!(ok(&cache, &sim), cold, "{}", String::from_utf8_lossy(broken));
        let rewritten: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
        assert_eq!(rewritten["status"], "optimal");
    }
    std::fs::write(&entry, &good).unwrap();
    assert_eq!(ok(&cache, &sim), cold);
}

#[test]
fn simulate_takes_a_roadmap_file_that_fits_and_refuses_one_of_another_plan() {
    let dir = temp_dir("roadmap-file");
    let cache = dir.join("cache");
    let plan = demo();
    let plan = plan.to_str().unwrap();
    let own = dir.join("own.json");
    std::fs::write(&own, ok(&cache, &["roadmap", plan, "--format", "json"])).unwrap();
    let sim = [
        "simulate",
        plan,
        "--format",
        "json",
        "--trials",
        "800",
        "--no-cache",
    ];
    assert_eq!(
        ok(
            &cache,
            &[&sim[..], &["--roadmap", own.to_str().unwrap()]].concat()
        ),
        ok(&cache, &sim)
    );

    // The roadmap of another plan.
    let other = dir.join("tight.yaml");
    std::fs::write(&other, TIGHT).unwrap();
    let theirs = dir.join("theirs.json");
    std::fs::write(
        &theirs,
        ok(
            &cache,
            &["roadmap", other.to_str().unwrap(), "--format", "json"],
        ),
    )
    .unwrap();
    let out = sextant_cached(
        &cache,
        &[&sim[..], &["--roadmap", theirs.to_str().unwrap()]].concat(),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "error: {} is not a roadmap of the plan {plan}: expected initiatives of this plan, found `big`, which it does not have or cannot schedule",
            theirs.display()
        )
    );

    // Not a roadmap at all.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"schedule\": 3}").unwrap();
    let out = sextant_cached(
        &cache,
        &[&sim[..], &["--roadmap", junk.to_str().unwrap()]].concat(),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.contains(&format!(
            "{}: expected the JSON of `sextant roadmap --format json`, found",
            junk.display()
        )),
        "{e}"
    );
    // The plan's own starts are not a roadmap to name.
    let out = sextant_cached(
        &cache,
        &[
            &sim[..],
            &["--roadmap", own.to_str().unwrap(), "--schedule", "plan"],
        ]
        .concat(),
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
