//! `sextant bench portfolio`: the consultant's portfolio over many clients, each with the demo
//! plan, generated assets and three assessments, in a SQLite database of its own. The baseline,
//! measured in the same run, is the same portfolio of one client (a consultant's view of one
//! organisation): the first view of all of them (every client's analysis, roadmap, lifecycle
//! and assessments worked out), and the view again, from the cache.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sextant_core::asset::{Asset, AssetKind};
use sextant_core::model::Date;
use sextant_store::{Change, Role, Section, Store};

/// Generated assets for client `i`: every type, purchased over eight years, some out of
/// warranty, some on Windows 10.
fn assets(i: usize, n: usize) -> Vec<Value> {
    let oses = [
        Some(("Windows 11 Pro", "24H2")),
        Some(("Windows 10 Pro", "22H2")),
        Some(("macOS 13 Ventura", "13.6")),
        None,
    ];
    (0..n)
        .map(|k| {
            let kind = AssetKind::ALL[k % AssetKind::ALL.len()];
            let bought = Date::from_days(16_000 + ((k * 37 + i * 11) % 2_900) as i32);
            let warranty = Date::from_days(bought.days() + 365 * (1 + (k % 5) as i32));
            let os = oses[(k + i) % oses.len()];
            let a = Asset {
                id: format!("sn-{i}-{k}"),
                name: format!("DEVICE-{k:04}"),
                kind,
                make: Some("Maker".into()),
                model: Some(format!("Model {}", k % 17)),
                serial: Some(format!("SN-{i}-{k}")),
                user: Some(format!("user{}", k % 40)),
                site: Some("Main office".into()),
                purchased: Some(bought),
                warranty_end: (kind != AssetKind::Licence).then_some(warranty),
                os: os.map(|(o, _)| o.to_string()),
                os_version: os.map(|(_, v)| v.to_string()),
                price: Some(300.0 + (k % 9) as f64 * 150.0),
            };
            serde_json::to_value(a).unwrap_or(Value::Null)
        })
        .collect()
}

/// The portfolio benchmark.
pub fn portfolio(orgs: usize, per_org: usize) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let dir = std::env::temp_dir().join(format!(
            "sextant-bench-portfolio-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)?;
        let url = format!("sqlite://{}", dir.join("bench.db").display());
        let store = Store::open(&url).await?;
        let consultant = store
            .create_user("consultant@example.com", "Consultant", "a long bench password", true)
            .await?;
        let mut one = None;
        let plan = sextant_core::load_plan("corner-bookstore.yaml", sextant_web::demo::PLAN)
            .map_err(|e| anyhow::anyhow!("the demo plan: {e}"))?;
        let doc = serde_json::to_value(plan.doc())?;
        let base: Value = serde_json::from_str(sextant_web::demo::ASSESSMENT)?;
        let seeded = Instant::now();
        for i in 0..orgs {
            let slug = format!("client-{i:03}");
            store
                .create_org(&consultant, &slug, &format!("Client {i:03}"))
                .await?;
            let scope = store.scope(&consultant, &slug).await?;
            store.change_plan(&scope, Change::Replace(doc.clone())).await?;
            for (k, date) in ["2026-04-15", "2026-07-15", "2026-10-15"].iter().enumerate() {
                let mut a = base.clone();
                a["id"] = json!(format!("csf-{k}"));
                a["date"] = json!(date);
                store
                    .change_plan(&scope, Change::Create(Section::Assessments, a))
                    .await?;
            }
            store
                .change_plan(&scope, Change::Upsert(Section::Assets, assets(i, per_org)))
                .await?;
            if i == 0 {
                // A consultant of this one client: invited, and the invitation accepted.
                if let sextant_store::MemberChange::Invited { token, .. } =
                    store.set_member(&scope, "one@example.com", Role::Editor).await?
                {
                    let (user, _) = store
                        .accept_invitation(&token, "One client", "a long bench password", "bench")
                        .await
                        .map_err(|e| anyhow::anyhow!("the invitation: {e:?}"))?;
                    one = Some(user);
                }
            }
        }
        let seeding = seeded.elapsed();
        let one = one.ok_or_else(|| anyhow::anyhow!("the one-client consultant was not made"))?;
        let state = sextant_web::AppState::new(store, false, 0);
        let day = Date::parse("2026-12-04").unwrap_or_else(|| Date::from_days(0));
        let time = |user: sextant_store::User| {
            let state = state.clone();
            async move {
                let t = Instant::now();
                let p = sextant_web::portfolio::portfolio_of(&state, &user, day)
                    .await
                    .map_err(|e| anyhow::anyhow!("the portfolio: {e:?}"))?;
                anyhow::Ok((t.elapsed(), p.clients.len()))
            }
        };
        let (one_first, n1) = time(one.clone()).await?;
        let (one_again, _) = time(one).await?;
        let (all_first, n) = time(consultant.clone()).await?;
        let (all_again, _) = time(consultant).await?;
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        let ratio = |d: Duration| d.as_secs_f64() / one_first.as_secs_f64().max(1e-9);
        println!(
            "{orgs} clients, each the demo plan, {per_org} assets and 3 assessments (seeded in {:.1} s), SQLite",
            seeding.as_secs_f64()
        );
        println!("{:<44} {:>10} {:>12}", "view", "time", "x one client");
        println!(
            "{:<44} {:>10} {:>12.2}",
            format!("baseline: portfolio of {n1} client, first view"),
            ms(one_first),
            1.0
        );
        println!(
            "{:<44} {:>10} {:>12.2}",
            format!("portfolio of {n1} client, again"),
            ms(one_again),
            ratio(one_again)
        );
        println!(
            "{:<44} {:>10} {:>12.2}",
            format!("portfolio of {n} clients, first view"),
            ms(all_first),
            ratio(all_first)
        );
        println!(
            "{:<44} {:>10} {:>12.2}",
            format!("portfolio of {n} clients, again (cached)"),
            ms(all_again),
            ratio(all_again)
        );
        drop(state);
        let _ = std::fs::remove_dir_all(&dir);
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
