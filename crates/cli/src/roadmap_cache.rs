//! The roadmap cache: every roadmap whose search finished (optimal, or feasible when its time
//! ran out), kept on disk under a hash of the plan's content, of every option that changes
//! the search (objective, budget factor, time limit, gap) and of Sextant's version, so that
//! `sextant simulate`, `roadmap`, `budget`, `summary` and `report` on an unchanged plan need
//! not search again.
//!
//! An entry is the JSON of `sextant roadmap --format json` without the frontier, and it is
//! used only once the independent checker (`sextant_roadmap::schedule::violations`, through
//! `sextant_ops::reuse_roadmap`) accepts it against the plan read now. An entry that cannot be
//! read, parsed or accepted is ignored and written over; the cache never makes a command fail.
//! Entries are written to a temporary file in the same directory and renamed into place, so a
//! reader never sees half of one.
//!
//! The directory is `$SEXTANT_CACHE_DIR`, else `$XDG_CACHE_HOME/sextant`, else
//! `$HOME/.cache/sextant`; entries go in its `roadmaps` folder. `--no-cache` bypasses it.

use std::path::{Path, PathBuf};

use sextant_core::Plan;
use sextant_ops::{Kept, RoadmapReport, RoadmapRequest};
use sextant_roadmap::solve::SolveStatus;
use sha2::{Digest, Sha256};

/// Where roadmaps are kept, or nowhere.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

/// Whether a roadmap came from the cache or from a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Read from the cache and accepted by the checker.
    Cache,
    /// Searched.
    Search,
}

impl Cache {
    /// The user's cache (see the module's header), or none when `off` (`--no-cache`) or no
    /// directory is known.
    pub fn new(off: bool) -> Cache {
        Cache {
            dir: if off { None } else { default_dir() },
        }
    }

    /// A cache in `dir`.
    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir: Some(dir) }
    }

    /// The file of the entry for `plan` and `req`, when there is a cache and a key.
    fn entry(&self, plan: &Plan, req: &RoadmapRequest) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(
            dir.join("roadmaps")
                .join(format!("{}.json", key(plan, req)?)),
        )
    }

    /// The kept roadmap of `plan` for `req`, when there is one the checker accepts.
    pub fn get(&self, plan: &Plan, req: &RoadmapRequest) -> Option<RoadmapReport> {
        let text = std::fs::read(self.entry(plan, req)?).ok()?;
        let kept: Kept = serde_json::from_slice(&text).ok()?;
        sextant_ops::reuse_roadmap(plan, req, &kept, &|| true).ok()
    }

    /// Keeps `report`'s roadmap for `plan` and `req` when its search finished with a schedule;
    /// a failure to write is ignored (the next run searches again).
    pub fn put(&self, plan: &Plan, req: &RoadmapRequest, report: &RoadmapReport) {
        if !matches!(
            report.roadmap.status,
            SolveStatus::Optimal | SolveStatus::Feasible
        ) {
            return;
        }
        let Some(path) = self.entry(plan, req) else {
            return;
        };
        if let Ok(text) = serde_json::to_vec_pretty(&report.roadmap) {
            let _ = write_atomically(&path, &text);
        }
    }
}

/// The roadmap `req` asks for: the cache's when it keeps one for the same plan and search that
/// the checker accepts, otherwise searched (and kept when the search finished).
pub fn roadmap(plan: &Plan, req: &RoadmapRequest, cache: &Cache) -> (RoadmapReport, Source) {
    if let Some(r) = cache.get(plan, req) {
        return (r, Source::Cache);
    }
    let r = sextant_ops::roadmap(plan, req, &|| true);
    cache.put(plan, req, &r);
    (r, Source::Search)
}

/// `$SEXTANT_CACHE_DIR`, else `$XDG_CACHE_HOME/sextant` (when absolute), else
/// `$HOME/.cache/sextant`.
fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(d) = var("SEXTANT_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = var("XDG_CACHE_HOME").map(PathBuf::from)
        && d.is_absolute()
    {
        return Some(d.join("sextant"));
    }
    var("HOME").map(|h| PathBuf::from(h).join(".cache").join("sextant"))
}

/// The entry's name: SHA-256 of the plan's canonical content (its parsed document as JSON, so
/// that layout, comments and YAML or JSON do not matter), every option that changes the search
/// and Sextant's version, in hexadecimal. `None` if the plan cannot be written out.
pub fn key(plan: &Plan, req: &RoadmapRequest) -> Option<String> {
    let doc = serde_json::to_vec(plan.doc()).ok()?;
    let mut h = Sha256::new();
    h.update(b"sextant roadmap cache 1\0");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(b"\0");
    h.update((doc.len() as u64).to_le_bytes());
    h.update(&doc);
    h.update(match req.objective {
        sextant_roadmap::Objective::Npv => b"npv\0".as_slice(),
        sextant_roadmap::Objective::Alignment => b"alignment\0".as_slice(),
    });
    h.update(req.budget_factor.to_bits().to_le_bytes());
    h.update(req.options.time_limit.as_nanos().to_le_bytes());
    h.update(req.options.gap.to_bits().to_le_bytes());
    Some(
        h.finalize()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                use std::fmt::Write as _;
                let _ = write!(s, "{b:02x}");
                s
            }),
    )
}

/// Writes `bytes` to `path` through a temporary file in the same directory renamed into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn plan(text: &str) -> Plan {
        sextant_core::load_plan("p.yaml", text).unwrap()
    }

    fn demo() -> String {
        std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corner-bookstore.yaml"),
        )
        .unwrap()
    }

    fn dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("sextant-cache-unit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn the_key_follows_the_content_and_the_search_not_the_layout() {
        let text = demo();
        let req = RoadmapRequest::default();
        let a = key(&plan(&text), &req).unwrap();
        // The same plan with a comment and another layout.
        let b = key(&plan(&format!("# a comment\n{text}\n\n")), &req).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        let cut = RoadmapRequest {
            budget_factor: 0.8,
            ..RoadmapRequest::default()
        };
        assert_ne!(a, key(&plan(&text), &cut).unwrap());
        let longer = RoadmapRequest {
            options: sextant_roadmap::solve::Options {
                time_limit: std::time::Duration::from_secs(11),
                ..Default::default()
            },
            ..RoadmapRequest::default()
        };
        assert_ne!(a, key(&plan(&text), &longer).unwrap());
        let alignment = RoadmapRequest {
            objective: sextant_roadmap::Objective::Alignment,
            ..RoadmapRequest::default()
        };
        assert_ne!(a, key(&plan(&text), &alignment).unwrap());
    }

    #[test]
    fn a_kept_roadmap_is_the_searched_one_and_a_broken_entry_is_searched_again() {
        let p = plan(&demo());
        let req = RoadmapRequest::default();
        let cache = Cache::at(dir("kept"));
        let (cold, from) = roadmap(&p, &req, &cache);
        assert_eq!(from, Source::Search);
        let (warm, from) = roadmap(&p, &req, &cache);
        assert_eq!(from, Source::Cache);
        assert_eq!(
            serde_json::to_string(&cold).unwrap(),
            serde_json::to_string(&warm).unwrap()
        );
        let path = cache.entry(&p, &req).unwrap();
        for broken in ["", "{\"status\": \"optimal\"", "[1, 2]", "\u{0}\u{1}"] {
            std::fs::write(&path, broken).unwrap();
            let (again, from) = roadmap(&p, &req, &cache);
            assert_eq!(from, Source::Search, "{broken:?}");
            assert_eq!(again.roadmap.schedule.len(), cold.roadmap.schedule.len());
            // Written over with the search's roadmap.
            assert!(cache.get(&p, &req).is_some());
        }
    }

    #[test]
    fn no_cache_keeps_nothing() {
        let p = plan(&demo());
        let req = RoadmapRequest::default();
        let off = Cache { dir: None };
        assert_eq!(roadmap(&p, &req, &off).1, Source::Search);
        assert_eq!(roadmap(&p, &req, &off).1, Source::Search);
    }
}
