//! Plans: import and export without loss, entity changes checked as a plan file is, history.

use serde_json::json;
use sextant_store::{Change, Paging, Section, StoreError};

use crate::{bookstore, canonical, corner, import, people, stores};

#[tokio::test]
async fn a_plan_exports_as_it_was_imported() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let text = bookstore();
        import(&store, &scope, &text).await;
        let exported = store.export_plan(&scope).await.unwrap().unwrap();
        assert_eq!(exported, canonical(&text), "{db}");
        // And the export, read as a plan file, is the same plan.
        let again = sextant_core::load_plan("export.json", &exported.to_string()).unwrap();
        let original = sextant_core::load_plan("plan.yaml", &text).unwrap();
        assert_eq!(again.doc(), original.doc(), "{db}");
    }
}

#[tokio::test]
async fn a_refused_import_changes_nothing() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let text = bookstore();
        import(&store, &scope, &text).await;
        let before = store.export_plan(&scope).await.unwrap();
        let history = store
            .history(&scope, None, None, Paging::default())
            .await
            .unwrap()
            .total;
        let mut doc = canonical(&text);
        doc["initiatives"][0]["depends_on"] = json!(["no-such-thing"]);
        doc["goals"][0]["weight"] = json!(-1);
        let err = store
            .change_plan(&scope, Change::Replace(doc))
            .await
            .unwrap_err();
        let StoreError::Plan(rejected) = err else {
            panic!("{db}: {err}")
        };
        let paths: Vec<&str> = rejected.0.iter().map(|p| p.path.as_str()).collect();
        assert!(
            paths.contains(&"initiatives[0].depends_on[0]"),
            "{db}: {paths:?}"
        );
        assert!(
            paths.iter().any(|p| p.starts_with("goals[0].weight")),
            "{db}: {paths:?}"
        );
        assert_eq!(store.export_plan(&scope).await.unwrap(), before, "{db}");
        let after = store
            .history(&scope, None, None, Paging::default())
            .await
            .unwrap()
            .total;
        assert_eq!(after, history, "{db}");
    }
}

#[tokio::test]
async fn entities_change_one_at_a_time_with_history() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let text = bookstore();
        let doc = import(&store, &scope, &text).await;
        let goals = store
            .entities(&scope, Section::Goals, Paging::default())
            .await
            .unwrap();
        assert_eq!(
            goals.total as usize,
            doc["goals"].as_array().unwrap().len(),
            "{db}"
        );
        let first = goals.items[0].clone();

        // A new goal is added at the end.
        let new = json!({"id": "g-new", "title": "Open on Sundays", "weight": 1});
        let stored = store
            .change_plan(&scope, Change::Create(Section::Goals, new))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored["id"], "g-new", "{db}");
        let e = store.entity(&scope, Section::Goals, "g-new").await.unwrap();
        assert_eq!(e.position as usize, goals.items.len(), "{db}");
        // Creating it twice is a conflict.
        let again = json!({"id": "g-new", "title": "x", "weight": 1});
        let err = store
            .change_plan(&scope, Change::Create(Section::Goals, again))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{db}: {err}");

        // Changing its title is recorded with who, before and after.
        let mut changed = stored.clone();
        changed["title"] = json!("Open on Sundays in summer");
        store
            .change_plan(&scope, Change::Put(Section::Goals, "g-new".into(), changed))
            .await
            .unwrap();
        let h = store
            .history(&scope, Some("goals"), Some("g-new"), Paging::default())
            .await
            .unwrap();
        assert_eq!(h.total, 2, "{db}");
        assert_eq!(h.items[0].action, "update");
        assert_eq!(h.items[0].user.as_deref(), Some("admin@example.com"));
        assert_eq!(
            h.items[0].before.as_ref().unwrap()["title"],
            "Open on Sundays"
        );
        assert_eq!(
            h.items[0].after.as_ref().unwrap()["title"],
            "Open on Sundays in summer"
        );

        // A goal an initiative contributes to cannot go: the plan would not be valid.
        let used = doc["initiatives"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|i| {
                i["contributes"]
                    .as_object()
                    .and_then(|c| c.keys().next().cloned())
            })
            .unwrap();
        let err = store
            .change_plan(&scope, Change::Delete(Section::Goals, used.clone()))
            .await
            .unwrap_err();
        let StoreError::Plan(p) = err else {
            panic!("{db}: {err}")
        };
        assert!(
            p.0.iter().any(|p| p.path.contains(".contributes")),
            "{db}: {p}"
        );
        store.entity(&scope, Section::Goals, &used).await.unwrap();

        // A bad field is refused with its path, and nothing changes.
        let bad = json!({"id": first.key, "title": "t", "weight": "heavy"});
        let err = store
            .change_plan(&scope, Change::Put(Section::Goals, first.key.clone(), bad))
            .await
            .unwrap_err();
        let StoreError::Plan(p) = err else {
            panic!("{db}: {err}")
        };
        assert!(p.0.iter().any(|p| p.path.ends_with(".weight")), "{db}: {p}");
        assert_eq!(
            store
                .entity(&scope, Section::Goals, &first.key)
                .await
                .unwrap()
                .body,
            first.body
        );

        // The unused goal goes, and the history says so.
        store
            .change_plan(&scope, Change::Delete(Section::Goals, "g-new".into()))
            .await
            .unwrap();
        let err = store
            .entity(&scope, Section::Goals, "g-new")
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "goals/g-new not found");
        let h = store
            .history(&scope, Some("goals"), Some("g-new"), Paging::default())
            .await
            .unwrap();
        assert_eq!(h.items[0].action, "delete", "{db}");

        // The organisation section is one object.
        set_discount_rate(&store, &scope, 0.12).await;
        let plan = store.plan(&scope).await.unwrap().unwrap();
        assert_eq!(plan.doc().organization.discount_rate, 0.12, "{db}");
    }
}

#[tokio::test]
async fn measurements_and_reviews_are_entities_too() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        import(&store, &scope, &bookstore()).await;
        // A KPI the demo types no figures for (it types its own five and online revenue).
        let m = json!({"kpi": "nps", "values": {"2027-01": 20.0, "2027-02": 28.0}});
        store
            .change_plan(&scope, Change::Create(Section::Measurements, m))
            .await
            .unwrap();
        let doc = store.export_plan(&scope).await.unwrap().unwrap();
        assert_eq!(doc["measurements"]["nps"]["2027-02"], json!(28.0), "{db}");

        let review = json!({"id": "q1", "date": "2027-04-02", "title": "First quarterly review", "decisions": ["Start the e-commerce phase"]});
        store
            .change_plan(&scope, Change::Create(Section::Reviews, review))
            .await
            .unwrap();
        let r = store.entity(&scope, Section::Reviews, "q1").await.unwrap();
        assert_eq!(r.body["decisions"][0], "Start the e-commerce phase");
        // Reviews are not part of the plan file.
        let doc = store.export_plan(&scope).await.unwrap().unwrap();
        assert!(doc.get("reviews").is_none(), "{db}");
        // Not a date, and a day the calendar does not have.
        for date in ["April 2027", "2027-02-29"] {
            let bad = json!({"id": "q2", "date": date, "title": "x"});
            let err = store
                .change_plan(&scope, Change::Create(Section::Reviews, bad))
                .await
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("reviews.date: expected a calendar date YYYY-MM-DD, found `{date}`")
            );
        }
    }
}

#[tokio::test]
async fn data_sets_are_kept_as_uploaded() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let bytes = b"order_id,date,customer_id,amount\n1,2027-01-03,c1,20.00\n".to_vec();
        let d = store
            .add_dataset(&scope, "orders", "orders.csv", 1, &json!({}), &bytes, None)
            .await
            .unwrap();
        let back = store.dataset(&scope, d.id).await.unwrap();
        assert_eq!(back.content, bytes, "{db}");
        assert_eq!(
            store
                .datasets(&scope, Paging::default())
                .await
                .unwrap()
                .total,
            1
        );
        store.delete_dataset(&scope, d.id).await.unwrap();
        assert!(store.dataset(&scope, d.id).await.is_err());
        let h = store
            .history(&scope, None, None, Paging::default())
            .await
            .unwrap();
        assert_eq!(h.items[0].section, "datasets");
        assert_eq!(h.items[0].action, "delete");
    }
}

/// Renaming an organisation renames its plan too when the plan was titled with its old name
/// (the reports and packs are titled with the plan's), in the same change: the plan's new
/// version is what the next read gives, and the history holds both. A plan titled otherwise
/// (a legal name) keeps its title.
#[tokio::test]
async fn a_renamed_organisation_renames_the_plan_that_had_its_name() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        store
            .rename_org(&scope, "The Corner Bookstore")
            .await
            .unwrap();
        import(&store, &scope, &bookstore()).await;
        let before = store.plan(&scope).await.unwrap().unwrap();
        assert_eq!(before.doc().organization.name, "The Corner Bookstore");
        let org = store
            .rename_org(&scope, "  Corner Books & Coffee ")
            .await
            .unwrap();
        assert_eq!(org.name, "Corner Books & Coffee");
        let after = store.plan(&scope).await.unwrap().unwrap();
        assert_eq!(
            after.doc().organization.name,
            "Corner Books & Coffee",
            "{db}"
        );
        // Only the name moved.
        assert_eq!(
            after.doc().organization.currency,
            before.doc().organization.currency
        );
        assert_eq!(
            after.doc().initiatives.len(),
            before.doc().initiatives.len()
        );
        let h = store
            .history(&scope, None, None, Paging::default())
            .await
            .unwrap();
        let latest: Vec<&str> = h.items[..2].iter().map(|e| e.section.as_str()).collect();
        assert!(latest.contains(&"organization"), "{db}: {latest:?}");
        // A plan titled with another name keeps it.
        let mut o = serde_json::to_value(&after.doc().organization).unwrap();
        o["name"] = json!("Corner Books Ltd");
        store
            .change_plan(&scope, Change::Put(Section::Organization, String::new(), o))
            .await
            .unwrap();
        store.rename_org(&scope, "Corner Books").await.unwrap();
        let kept = store.plan(&scope).await.unwrap().unwrap();
        assert_eq!(kept.doc().organization.name, "Corner Books Ltd", "{db}");
        // An organisation without a plan is renamed as before.
        store.create_org(&admin, "empty", "Empty").await.unwrap();
        let empty = store.scope(&admin, "empty").await.unwrap();
        assert_eq!(
            store.rename_org(&empty, "Still empty").await.unwrap().name,
            "Still empty"
        );
        assert!(store.plan(&empty).await.unwrap().is_none());
    }
}

/// A new export stored in place of earlier data sets: they are deleted and it is stored in one
/// change (both recorded in the history); one of them missing, or another organisation's,
/// changes nothing.
#[tokio::test]
async fn a_data_set_replaces_earlier_ones_all_at_once_or_not_at_all() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        let add = |name: &'static str| {
            let (store, scope) = (&store, &scope);
            async move {
                store
                    .add_dataset(scope, "orders", name, 1, &json!({}), b"a,b\n1,2\n", None)
                    .await
                    .unwrap()
            }
        };
        let (a, b, c) = (add("a.csv").await, add("b.csv").await, add("c.csv").await);
        let names = |store: &sextant_store::Store| {
            let (store, scope) = (store.clone(), scope.clone());
            async move {
                store
                    .datasets(&scope, Paging::default())
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|d| d.name)
                    .collect::<Vec<_>>()
            }
        };
        // Another organisation's data set is not found, and nothing changes.
        store.create_org(&admin, "other", "Other").await.unwrap();
        let other = store.scope(&admin, "other").await.unwrap();
        let theirs = store
            .add_dataset(&other, "orders", "theirs.csv", 1, &json!({}), b"x", None)
            .await
            .unwrap();
        for missing in [theirs.id, 999_999] {
            let err = store
                .add_dataset_replacing(
                    &scope,
                    &[a.id, missing],
                    "orders",
                    "d.csv",
                    1,
                    &json!({}),
                    b"new",
                    None,
                )
                .await
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("data set {missing} not found"),
                "{db}"
            );
            assert_eq!(names(&store).await, ["a.csv", "b.csv", "c.csv"], "{db}");
        }
        let d = store
            .add_dataset_replacing(
                &scope,
                &[a.id, c.id],
                "orders",
                "d.csv",
                1,
                &json!({}),
                b"new",
                None,
            )
            .await
            .unwrap();
        assert_eq!(names(&store).await, ["b.csv", "d.csv"], "{db}");
        assert_eq!(store.dataset(&scope, d.id).await.unwrap().content, b"new");
        assert!(store.dataset(&scope, b.id).await.is_ok());
        assert!(store.dataset(&other, theirs.id).await.is_ok());
        let h = store
            .history(&scope, None, None, Paging::default())
            .await
            .unwrap();
        let actions: Vec<(&str, &str)> = h.items[..3]
            .iter()
            .map(|e| (e.section.as_str(), e.action.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                ("datasets", "create"),
                ("datasets", "delete"),
                ("datasets", "delete")
            ],
            "{db}"
        );
    }
}

/// A worksheet's parsed form is kept beside the file as uploaded, read with the organisation's
/// data sets (never in place of the download), and one missing (a data set stored before parsed
/// forms were kept) is written once, by any member, in that organisation only.
#[tokio::test]
async fn a_sheets_parsed_form_is_kept_beside_the_file() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        let xlsx = b"PK\x03\x04 a workbook".to_vec();
        let rows = b"sextant-sheet-rows,1\n1,date,customer,amount\n".to_vec();
        let d = store
            .add_dataset(
                &scope,
                "orders",
                "o.xlsx",
                0,
                &json!({}),
                &xlsx,
                Some(&rows),
            )
            .await
            .unwrap();
        let old = store
            .add_dataset(&scope, "orders", "p.xlsx", 0, &json!({}), &xlsx, None)
            .await
            .unwrap();
        let all = store.dataset_contents(&scope).await.unwrap();
        assert_eq!(all[0].parsed.as_deref(), Some(rows.as_slice()), "{db}");
        assert_eq!(all[1].parsed, None, "{db}");
        assert_eq!(store.dataset(&scope, d.id).await.unwrap().content, xlsx);
        // Another organisation's scope reaches nothing.
        store.create_org(&admin, "other", "Other").await.unwrap();
        let other = store.scope(&admin, "other").await.unwrap();
        store
            .keep_parsed(&other, old.id, b"intruder")
            .await
            .unwrap();
        assert_eq!(
            store.dataset_contents(&scope).await.unwrap()[1].parsed,
            None
        );
        store.keep_parsed(&scope, old.id, b"second").await.unwrap();
        // Kept once: a second write does not replace it.
        store.keep_parsed(&scope, old.id, b"third").await.unwrap();
        let all = store.dataset_contents(&scope).await.unwrap();
        assert_eq!(all[1].parsed.as_deref(), Some(&b"second"[..]), "{db}");
    }
}

#[tokio::test]
async fn a_backup_restores_into_an_empty_database_and_nowhere_else() {
    for (db, store) in stores().await {
        let (admin, sarah) = people(&store).await;
        store
            .create_org(&admin, "corner", "Corner Bookstore")
            .await
            .unwrap();
        let scope = store.scope(&admin, "corner").await.unwrap();
        import(&store, &scope, &bookstore()).await;
        crate::join(
            &store,
            &scope,
            "sarah@example.com",
            sextant_store::Role::Viewer,
            "sarah password 1",
        )
        .await;
        store
            .add_dataset(
                &scope,
                "orders",
                "o.csv",
                1,
                &json!({"decimal_comma": true}),
                &[0, 1, 2, 255],
                None,
            )
            .await
            .unwrap();
        let session = store.create_session(&sarah).await.unwrap();
        let mut first = Vec::new();
        let rows = store.backup(&mut first).await.unwrap();
        assert!(rows > 20, "{db}: {rows}");

        let (_, target) = stores().await.into_iter().find(|(d, _)| *d == db).unwrap();
        let restored = target.restore(&mut first.as_slice()).await.unwrap();
        assert_eq!(restored, rows, "{db}");
        let mut second = Vec::new();
        target.backup(&mut second).await.unwrap();
        assert_eq!(
            String::from_utf8(second).unwrap(),
            String::from_utf8(first.clone()).unwrap()
        );
        // The restored installation keeps its logins and sessions, and takes new rows.
        assert_eq!(
            target
                .session(&session.token)
                .await
                .unwrap()
                .unwrap()
                .0
                .email,
            "sarah@example.com"
        );
        target
            .login("sarah@example.com", "sarah password 1", "t")
            .await
            .unwrap();
        let admin2 = target
            .login("admin@example.com", "admin password 1", "t")
            .await
            .unwrap();
        target
            .create_org(&admin2, "second", "Second")
            .await
            .unwrap();

        // Restoring over data is refused, and changes nothing.
        let err = target.restore(&mut first.as_slice()).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "the database is not empty (users holds rows): restore into a new database, so that nothing there is overwritten"
        );
        let (_, empty) = stores().await.into_iter().find(|(d, _)| *d == db).unwrap();
        let err = empty
            .restore(&mut "{\"x\": 1}\n".as_bytes())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: expected the header of a Sextant backup ({\"sextant_backup\": 1, ...})"
        );

        // A backup cut short (its last line, the count, lost with the rows before it), or
        // with a count that does not match, is refused, and nothing is restored.
        let text = String::from_utf8(first.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.last().copied(),
            Some(format!("{{\"sextant_backup_end\":{rows}}}").as_str())
        );
        let cut = lines[..lines.len() - 5].join("\n") + "\n";
        let (_, empty) = stores().await.into_iter().find(|(d, _)| *d == db).unwrap();
        let err = empty.restore(&mut cut.as_bytes()).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "line {}: the backup ends after {} rows without its last line, which gives their count: it was cut short; nothing was restored",
                lines.len() - 4,
                rows - 4
            ),
            "{db}"
        );
        let wrong = lines[..lines.len() - 2].join("\n") + "\n" + lines[lines.len() - 1] + "\n";
        let err = empty.restore(&mut wrong.as_bytes()).await.unwrap_err();
        assert!(
            err.to_string().ends_with(&format!(
                "the backup says it holds {rows} rows, and {} were read: it is damaged; nothing was restored",
                rows - 1
            )),
            "{db}: {err}"
        );
        // A last line alone is no backup.
        let err = empty
            .restore(&mut "{\"sextant_backup_end\":0}\n".as_bytes())
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("line 1: expected the header of a Sextant backup"),
            "{db}: {err}"
        );
        // Nothing of either was kept: the whole backup still restores there.
        assert_eq!(
            empty.restore(&mut first.as_slice()).await.unwrap(),
            rows,
            "{db}"
        );
    }
}

/// Every plan the project ships (the demo, the `init` templates) and generated plans of many
/// sizes export exactly as they were imported.
#[tokio::test]
async fn export_of_import_is_the_plan_for_every_shipped_and_generated_plan() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut plans: Vec<(String, String)> = vec![("corner-bookstore".into(), bookstore())];
    for t in ["retail", "professional-services", "hospitality", "trades"] {
        let text = std::fs::read_to_string(format!("{root}/crates/core/templates/{t}.yaml"))
            .unwrap()
            .replace("{{name}}", "Template Shop")
            .replace("{{currency}}", "EUR")
            .replace("{{start}}", "2027-01")
            .replace("{{due}}", "2027-12")
            .replace("{{next_year}}", "2028")
            .replace("{{year}}", "2027");
        plans.push((t.into(), text));
    }
    for seed in 0..12u64 {
        let n = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233][seed as usize];
        let size = sextant_core::synth::Size::initiatives(n);
        plans.push((
            format!("synthetic {n} seed {seed}"),
            sextant_core::synth::plan_yaml(size, seed),
        ));
    }
    for (db, store) in stores().await {
        let (admin, _) = people(&store).await;
        for (i, (name, text)) in plans.iter().enumerate() {
            let slug = format!("org-{i}");
            store.create_org(&admin, &slug, name).await.unwrap();
            let scope = store.scope(&admin, &slug).await.unwrap();
            let original = sextant_core::load_plan("plan.yaml", text).unwrap();
            import(&store, &scope, text).await;
            let exported = store.export_plan(&scope).await.unwrap().unwrap();
            let expected = canonical(text);
            assert!(
                exported == expected,
                "{db}: {name}: {:?}",
                crate::first_difference(&exported, &expected, "")
            );
            let again = sextant_core::load_plan("export.json", &exported.to_string()).unwrap();
            assert_eq!(again.doc(), original.doc(), "{db}: {name}");
            // Importing the export changes nothing and records nothing.
            let before = store
                .history(&scope, None, None, Paging::default())
                .await
                .unwrap()
                .total;
            store
                .change_plan(&scope, Change::Replace(exported))
                .await
                .unwrap();
            let after = store
                .history(&scope, None, None, Paging::default())
                .await
                .unwrap()
                .total;
            assert_eq!(before, after, "{db}: {name}");
        }
    }
}

/// A plan is checked once per change: reads of an unchanged plan share the plan the change
/// checked; a change (of the plan, not of the reviews beside it) gives the next reads a new
/// one; an import of a plan checked already stores what a document import stores.
#[tokio::test]
async fn a_plan_is_checked_once_per_change_and_shared_by_the_reads_after_it() {
    use std::sync::Arc;
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let text = bookstore();
        let checked = Arc::new(sextant_core::load_plan("plan.yaml", &text).unwrap());
        store
            .change_plan(&scope, Change::Import(checked.clone()))
            .await
            .unwrap();
        assert_eq!(
            store.export_plan(&scope).await.unwrap().unwrap(),
            canonical(&text),
            "{db}"
        );
        let first = store.plan(&scope).await.unwrap().unwrap();
        assert!(
            Arc::ptr_eq(&first, &checked),
            "{db}: the import's plan is read"
        );
        let again = store.plan(&scope).await.unwrap().unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "{db}: read twice, checked twice"
        );

        // A review beside the plan leaves the plan as it was.
        let review = json!({"id": "q1", "date": "2027-04-02", "title": "Review"});
        store
            .change_plan(&scope, Change::Create(Section::Reviews, review))
            .await
            .unwrap();
        let after_review = store.plan(&scope).await.unwrap().unwrap();
        assert!(Arc::ptr_eq(&first, &after_review), "{db}");

        // A change to the plan is what the next read sees, checked once by the change.
        set_discount_rate(&store, &scope, 0.11).await;
        let changed = store.plan(&scope).await.unwrap().unwrap();
        assert!(!Arc::ptr_eq(&first, &changed), "{db}");
        assert_eq!(changed.doc().organization.discount_rate, 0.11, "{db}");
        let same = store.plan(&scope).await.unwrap().unwrap();
        assert!(Arc::ptr_eq(&changed, &same), "{db}");
    }
}

/// A second server on the same database keeps plans of its own: a change made through one is
/// what the other reads next (its kept plan is of an older version).
#[tokio::test]
async fn a_plan_changed_through_another_server_is_read_again() {
    let dir = std::env::temp_dir().join(format!("sextant-two-servers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}", dir.join("db.sqlite").display());
    let one = sextant_store::Store::open(&url).await.unwrap();
    let two = sextant_store::Store::open(&url).await.unwrap();
    let (admin, scope) = corner(&one).await;
    import(&one, &scope, &bookstore()).await;
    let scope_two = two.scope(&admin, "corner").await.unwrap();
    let before = one.plan(&scope).await.unwrap().unwrap();
    assert_eq!(before.doc().organization.discount_rate, 0.08);
    set_discount_rate(&two, &scope_two, 0.13).await;
    let after = one.plan(&scope).await.unwrap().unwrap();
    assert_eq!(after.doc().organization.discount_rate, 0.13);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Changes the organisation's discount rate through its entity, as the pages and the API do.
async fn set_discount_rate(store: &sextant_store::Store, scope: &sextant_store::Scope, rate: f64) {
    let mut org = store
        .entity(scope, Section::Organization, "")
        .await
        .unwrap()
        .body;
    org["discount_rate"] = json!(rate);
    store
        .change_plan(
            scope,
            Change::Put(Section::Organization, String::new(), org),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn whole_sections_change_together_or_not_at_all() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        // A new organisation: sections without the organisation cannot start a plan.
        let err = store
            .change_plan(&scope, Change::Sections(vec![(Section::Radar, json!([]))]))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{db}: {err}");
        // With it, they start one (the guided start's first step).
        let org = json!({"name": "Corner Bookstore", "currency": "USD", "start": "2027-01",
                         "horizon_months": 24, "discount_rate": 0.08});
        let budget = json!({"budget": [{"period": "2027", "amount": 6000}],
                            "staff_hours_per_month": 30});
        store
            .change_plan(
                &scope,
                Change::Sections(vec![
                    (Section::Organization, org),
                    (Section::Constraints, budget),
                ]),
            )
            .await
            .unwrap();
        let doc = store.export_plan(&scope).await.unwrap().unwrap();
        assert_eq!(
            doc["constraints"]["staff_hours_per_month"],
            json!(30.0),
            "{db}"
        );
        // A list section is replaced whole, in the order given; others stay.
        let radar = json!([
            {"technology": "Cloud point of sale", "ring": "adopt"},
            {"technology": "AI stock forecasts", "ring": "assess", "note": "when sales data is clean"}
        ]);
        store
            .change_plan(&scope, Change::Sections(vec![(Section::Radar, radar)]))
            .await
            .unwrap();
        let doc = store.export_plan(&scope).await.unwrap().unwrap();
        assert_eq!(doc["radar"][1]["technology"], "AI stock forecasts", "{db}");
        assert_eq!(
            doc["constraints"]["budget"][0]["amount"],
            json!(6000),
            "{db}"
        );
        // One bad section refuses the whole change: the good one is not stored either.
        let err = store
            .change_plan(
                &scope,
                Change::Sections(vec![
                    (Section::Radar, json!([])),
                    (Section::Constraints, json!({"max_concurrent": -1})),
                ]),
            )
            .await
            .unwrap_err();
        let StoreError::Plan(rejected) = err else {
            panic!("{db}: {err}")
        };
        assert!(
            rejected
                .0
                .iter()
                .any(|p| p.path.starts_with("constraints.max_concurrent")),
            "{db}: {:?}",
            rejected.0
        );
        let after = store.export_plan(&scope).await.unwrap().unwrap();
        assert_eq!(after["radar"].as_array().map(Vec::len), Some(2), "{db}");
        // Reviews are not part of the plan: refused by name.
        let err = store
            .change_plan(
                &scope,
                Change::Sections(vec![(Section::Reviews, json!([]))]),
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains("reviews"), "{db}: {err}");
    }
}
