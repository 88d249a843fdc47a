//! Jobs: queued, run with a heartbeat and progress, finished with a result or a reason,
//! cancelled from any instance, and kept to their organisation.

use serde_json::json;
use sextant_store::{MAX_ACTIVE_JOBS, Role, StoreError};

use crate::{corner, join, stores};

#[tokio::test]
async fn a_job_runs_reports_progress_and_keeps_its_result() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let job = store
            .create_job(&scope, "roadmap", &json!({"time_limit": 30}))
            .await
            .unwrap();
        assert_eq!(job.status, "queued", "{db}");
        assert_eq!(job.params["time_limit"], 30);
        assert!(store.job_heartbeat(job.id, 0.25).await.unwrap());
        let seen = store.job(&scope, job.id).await.unwrap();
        assert_eq!(seen.status, "running");
        assert_eq!(seen.progress, 0.25);
        assert!(seen.started_at.is_some());
        store
            .finish_job(job.id, Ok(&json!({"status": "optimal"})))
            .await
            .unwrap();
        let done = store.job(&scope, job.id).await.unwrap();
        assert_eq!(done.status, "done", "{db}");
        assert_eq!(done.progress, 1.0);
        assert_eq!(done.result.unwrap()["status"], "optimal");
        // Listed without results, newest first.
        let second = store
            .create_job(&scope, "simulate", &json!({}))
            .await
            .unwrap();
        store
            .finish_job(second.id, Err("the plan has no feasible roadmap"))
            .await
            .unwrap();
        let page = store.jobs(&scope, Default::default()).await.unwrap();
        assert_eq!(page.total, 2);
        assert_eq!(page.items[0].id, second.id);
        assert_eq!(page.items[0].status, "failed");
        assert_eq!(
            page.items[0].message.as_deref(),
            Some("the plan has no feasible roadmap")
        );
        assert!(page.items[1].result.is_none());
    }
}

#[tokio::test]
async fn a_cancelled_job_stops_at_its_next_heartbeat() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let job = store
            .create_job(&scope, "simulate", &json!({}))
            .await
            .unwrap();
        assert!(store.job_heartbeat(job.id, 0.1).await.unwrap());
        let c = store.cancel_job(&scope, job.id).await.unwrap();
        assert_eq!(c.status, "cancelled", "{db}");
        assert!(!store.job_heartbeat(job.id, 0.2).await.unwrap(), "{db}");
        // Finishing after a cancel changes nothing.
        store.finish_job(job.id, Ok(&json!({}))).await.unwrap();
        assert_eq!(store.job(&scope, job.id).await.unwrap().status, "cancelled");
    }
}

#[tokio::test]
async fn jobs_are_limited_and_kept_to_their_organisation() {
    for (db, store) in stores().await {
        let (admin, scope) = corner(&store).await;
        for _ in 0..MAX_ACTIVE_JOBS {
            store
                .create_job(&scope, "roadmap", &json!({}))
                .await
                .unwrap();
        }
        let e = store
            .create_job(&scope, "roadmap", &json!({}))
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the organisation has 4 jobs queued or running, the most it may: wait for one to finish or cancel one",
            "{db}"
        );
        // Another organisation sees none of them.
        store.create_org(&admin, "other", "Other").await.unwrap();
        let other = store.scope(&admin, "other").await.unwrap();
        assert_eq!(
            store.jobs(&other, Default::default()).await.unwrap().total,
            0
        );
        let e = store.job(&other, 1).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)), "{db}: {e}");
        // A viewer may look but not start or cancel.
        let viewer = join(
            &store,
            &scope,
            "v@example.com",
            Role::Viewer,
            "viewer password",
        )
        .await;
        let view = store.scope(&viewer, "corner").await.unwrap();
        assert_eq!(
            store.jobs(&view, Default::default()).await.unwrap().total,
            4
        );
        assert!(matches!(
            store
                .create_job(&view, "roadmap", &json!({}))
                .await
                .unwrap_err(),
            StoreError::Forbidden { .. }
        ));
        assert!(matches!(
            store.cancel_job(&view, 1).await.unwrap_err(),
            StoreError::Forbidden { .. }
        ));
    }
}

/// A queued job's heartbeat records its place in the queue, which the job shows while it
/// waits and drops once it runs; a cancelled queued job stops beating.
#[tokio::test]
async fn a_queued_job_shows_its_place_until_it_runs() {
    for (db, store) in stores().await {
        let (_, scope) = corner(&store).await;
        let job = store
            .create_job(&scope, "roadmap", &json!({}))
            .await
            .unwrap();
        assert_eq!(job.queue_position, None, "{db}");
        assert!(store.job_waiting(job.id, 2).await.unwrap(), "{db}");
        let seen = store.job(&scope, job.id).await.unwrap();
        assert_eq!(seen.status, "queued", "{db}");
        assert_eq!(seen.queue_position, Some(2), "{db}");
        assert_eq!(
            seen.message.as_deref(),
            Some("waiting for a free core: 2 analyses start before it"),
            "{db}"
        );
        assert!(store.job_waiting(job.id, 0).await.unwrap(), "{db}");
        assert_eq!(
            store.job(&scope, job.id).await.unwrap().message.as_deref(),
            Some("waiting for a free core: it is next"),
            "{db}"
        );
        assert!(store.job_heartbeat(job.id, 0.1).await.unwrap(), "{db}");
        let running = store.job(&scope, job.id).await.unwrap();
        assert_eq!(running.status, "running", "{db}");
        assert_eq!(running.queue_position, None, "{db}");
        assert_eq!(running.message, None, "{db}");
        // Running, it no longer takes a place.
        assert!(!store.job_waiting(job.id, 1).await.unwrap(), "{db}");
        let other = store
            .create_job(&scope, "simulate", &json!({}))
            .await
            .unwrap();
        store.cancel_job(&scope, other.id).await.unwrap();
        assert!(!store.job_waiting(other.id, 0).await.unwrap(), "{db}");
        assert_eq!(
            store.job(&scope, other.id).await.unwrap().queue_position,
            None,
            "{db}"
        );
    }
}
