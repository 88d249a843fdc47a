//! CPU work, bounded and cancellable. Analyses (optimising a roadmap, simulating, fitting
//! forecasts and CLV models) take seconds of a core each; run on the async workers or
//! unbounded, twenty at once would starve every other request and every other organisation.
//!
//! [`Work::run`] runs a computation on tokio's blocking pool under a semaphore of one permit
//! per core (a parallel simulation takes them all), waiting at most [`QUEUE_WAIT`] for them and
//! answering 503 with `Retry-After` beyond it. Each computation gets a [`Cancel`]: it is
//! cancelled when the request's client goes away (axum drops the handler's future, and with
//! it the guard), when the server is stopping, or when its job is cancelled; computations
//! check it between steps. A computation whose client left before it started never starts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

/// The longest a request waits for a free core before it is answered 503.
pub const QUEUE_WAIT: Duration = Duration::from_secs(20);

/// The payload with which a cancelled computation unwinds out of code that offers no other
/// way to stop (a progress callback inside a parallel loop). `resume_unwind` does not call the
/// panic hook, so nothing is logged as a panic.
#[derive(Debug)]
pub struct Cancelled;

/// Whether a computation should stop.
#[derive(Debug, Clone)]
pub struct Cancel {
    own: Arc<AtomicBool>,
    stopping: Arc<AtomicBool>,
}

impl Cancel {
    /// Stops the computation at its next check.
    pub fn cancel(&self) {
        self.own.store(true, Ordering::Relaxed);
    }

    /// True once the computation should stop.
    pub fn is_cancelled(&self) -> bool {
        self.own.load(Ordering::Relaxed) || self.stopping.load(Ordering::Relaxed)
    }

    /// Unwinds with [`Cancelled`] when cancelled; for callbacks that cannot return an error.
    pub fn stop_here(&self) {
        if self.is_cancelled() {
            std::panic::resume_unwind(Box::new(Cancelled));
        }
    }
}

/// Cancels when dropped: held by the request's future, so that a client going away cancels.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The server's CPU budget.
#[derive(Debug)]
pub struct Work {
    permits: Arc<Semaphore>,
    total: u32,
    stopping: Arc<AtomicBool>,
    queue_wait: Duration,
}

impl Default for Work {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Work::new(cores as u32, QUEUE_WAIT)
    }
}

impl Work {
    /// A budget of `cores` permits; a request waits `queue_wait` at most for its permits.
    pub fn new(cores: u32, queue_wait: Duration) -> Work {
        let total = cores.max(1);
        Work {
            permits: Arc::new(Semaphore::new(total as usize)),
            total,
            stopping: Arc::new(AtomicBool::new(false)),
            queue_wait,
        }
    }

    /// Every core: what a computation that runs in parallel on all of them takes.
    pub fn all(&self) -> u32 {
        self.total
    }

    /// The server is stopping: running computations are cancelled and new ones refused.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// A fresh cancellation flag, cancelled also when the server stops.
    pub fn cancel(&self) -> Cancel {
        Cancel {
            own: Arc::new(AtomicBool::new(false)),
            stopping: self.stopping.clone(),
        }
    }

    /// Runs `f` on the blocking pool with `cores` permits (at most all), cancelled when the
    /// caller's future is dropped. The permits are held until `f` returns, even when its
    /// client has gone: abandoned work still occupies its cores.
    pub async fn run<T: Send + 'static>(
        &self,
        cores: u32,
        f: impl FnOnce(&Cancel) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let cancel = self.cancel();
        self.run_with(cores, cancel, f).await
    }

    /// [`Work::run`] with a given flag (a job's, which its heartbeat can cancel).
    pub async fn run_with<T: Send + 'static>(
        &self,
        cores: u32,
        cancel: Cancel,
        f: impl FnOnce(&Cancel) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        if self.stopping.load(Ordering::Relaxed) {
            return Err(stopping());
        }
        let wanted = cores.clamp(1, self.total);
        let permit = tokio::time::timeout(
            self.queue_wait,
            self.permits.clone().acquire_many_owned(wanted),
        )
        .await
        .map_err(|_| {
            ApiError::Busy(
                format!(
                    "the server is busy with other analyses (waited {} s for a free core); try again shortly",
                    self.queue_wait.as_secs()
                ),
                5,
            )
        })?
        .map_err(|_| stopping())?;
        let guard = CancelOnDrop(cancel.clone());
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            if cancel.is_cancelled() {
                return Err(cancelled());
            }
            f(&cancel)
        })
        .await;
        drop(guard);
        match joined {
            Ok(r) => r,
            Err(e) if e.is_panic() => {
                let payload = e.into_panic();
                if payload.is::<Cancelled>() {
                    Err(cancelled())
                } else {
                    let what = payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    Err(ApiError::Internal(format!(
                        "a computation panicked: {what}"
                    )))
                }
            }
            Err(e) => Err(ApiError::Internal(format!("a computation failed: {e}"))),
        }
    }
}

fn stopping() -> ApiError {
    ApiError::Busy("the server is stopping; try again in a moment".into(), 5)
}

fn cancelled() -> ApiError {
    ApiError::Busy(
        "the computation was cancelled (its client left, it was cancelled, or the server is stopping)".into(),
        5,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn work_runs_off_the_async_workers_and_returns_its_value() {
        let w = Work::new(2, Duration::from_secs(1));
        let v = w.run(1, |_| Ok(6 * 7)).await.unwrap();
        assert_eq!(v, 42);
        let e = w
            .run(1, |_| -> ApiResult<()> {
                Err(ApiError::Conflict("no".into()))
            })
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict(_)));
    }

    /// With every core taken, a request waits its turn and then gets 503, not a queue
    /// without end.
    #[tokio::test]
    async fn a_full_server_answers_busy() {
        let w = Arc::new(Work::new(1, Duration::from_millis(100)));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let busy = w.clone();
        let hold = tokio::spawn(async move {
            busy.run(1, move |_| {
                rx.recv().ok();
                Ok(())
            })
            .await
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let e = w.run(1, |_| Ok(())).await.unwrap_err();
        let ApiError::Busy(m, after) = e else {
            panic!("{e:?}")
        };
        assert_eq!(after, 5);
        assert!(
            m.starts_with("the server is busy with other analyses"),
            "{m}"
        );
        tx.send(()).unwrap();
        hold.await.unwrap().unwrap();
        // Freed: the next one runs.
        w.run(1, |_| Ok(())).await.unwrap();
    }

    /// A client that goes away cancels its computation, which stops at its next check.
    #[tokio::test]
    async fn a_dropped_request_cancels_its_computation() {
        let w = Arc::new(Work::new(1, Duration::from_secs(5)));
        let steps = Arc::new(AtomicUsize::new(0));
        let counted = steps.clone();
        let request = {
            let w = w.clone();
            async move {
                w.run(1, move |cancel| {
                    while !cancel.is_cancelled() {
                        counted.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Ok(())
                })
                .await
            }
        };
        // The client gives up after 50 ms.
        let _ = tokio::time::timeout(Duration::from_millis(50), request).await;
        // The core is given back once the computation notices.
        w.run(1, |_| Ok(())).await.unwrap();
        let n = steps.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(
            steps.load(Ordering::Relaxed),
            n,
            "it went on after its client left"
        );
    }

    /// A stopping server cancels running work, refuses new work, and a callback can unwind
    /// out of a parallel loop without a panic being reported.
    #[tokio::test]
    async fn stopping_cancels_and_refuses() {
        let w = Arc::new(Work::new(2, Duration::from_secs(5)));
        let running = {
            let w = w.clone();
            tokio::spawn(async move {
                w.run(1, |cancel| -> ApiResult<()> {
                    loop {
                        cancel.stop_here();
                        std::thread::sleep(Duration::from_millis(1));
                    }
                })
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(30)).await;
        w.stop();
        let e = running.await.unwrap().unwrap_err();
        let ApiError::Busy(m, _) = e else {
            panic!("{e:?}")
        };
        assert!(m.starts_with("the computation was cancelled"), "{m}");
        let e = w.run(1, |_| Ok(())).await.unwrap_err();
        assert!(
            matches!(e, ApiError::Busy(ref m, _) if m.contains("stopping")),
            "{e:?}"
        );
    }
}
