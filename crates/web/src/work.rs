//! CPU work, bounded, shared fairly between organisations, and cancellable. Analyses
//! (optimising a roadmap, simulating, fitting forecasts and CLV models) take seconds of a core
//! each; run on the async workers or unbounded, twenty at once would starve every other
//! request and every other organisation.
//!
//! [`Work`] runs each computation on tokio's blocking pool with a number of cores taken from
//! the server's budget (one per core of the machine). Who gets a core next is decided by
//! organisation: each organisation has a queue of its own, the queues are served in turn
//! (round robin), and one organisation holds at most [`Work::share`] cores at once (half the
//! machine by default), so that two long jobs of one tenant leave the other half to everyone
//! else. A computation runs inside a rayon pool of the cores it was given, so a parallel
//! simulation uses only its share.
//!
//! A request waits at most [`QUEUE_WAIT`] for its cores and is then answered 503 with
//! `Retry-After`; a job waits as long as it takes, and its [`Place`] tells its position in the
//! queue, which the job's heartbeat shows to its client.
//!
//! Each computation gets a [`Cancel`]: it is cancelled when the request's client goes away
//! (axum drops the handler's future, and with it the guard), when the server is stopping, or
//! when its job is cancelled; computations check it between steps, and the roadmap's search
//! (its heuristics and HiGHS) through [`Cancel::stop`]. A computation whose client left before
//! it started never starts, and a cancelled wait leaves the queue at once.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{Notify, oneshot};

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

    /// True when the server is stopping (rather than the client having left).
    pub fn server_stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// Unwinds with [`Cancelled`] when cancelled; for callbacks that cannot return an error.
    pub fn stop_here(&self) {
        if self.is_cancelled() {
            std::panic::resume_unwind(Box::new(Cancelled));
        }
    }

    /// The same request to stop, for the roadmap's search (its heuristics and HiGHS).
    pub fn stop(&self) -> sextant_roadmap::Stop {
        let c = self.clone();
        sextant_roadmap::Stop::when(move || c.is_cancelled())
    }
}

/// Cancels when dropped: held by the request's future, so that a client going away cancels.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// A queued computation's place: how many computations start before it, `None` once it runs
/// (or before it queues).
#[derive(Debug, Clone, Default)]
pub struct Place(Arc<AtomicUsize>);

const NOT_QUEUED: usize = usize::MAX;

impl Place {
    /// A place not yet in any queue.
    pub fn new() -> Place {
        Place(Arc::new(AtomicUsize::new(NOT_QUEUED)))
    }

    /// Computations that start before this one; `None` when it is not waiting.
    pub fn ahead(&self) -> Option<usize> {
        let n = self.0.load(Ordering::Relaxed);
        (n != NOT_QUEUED).then_some(n)
    }

    fn set(&self, n: Option<usize>) {
        self.0.store(n.unwrap_or(NOT_QUEUED), Ordering::Relaxed);
    }
}

/// One computation waiting for cores.
struct Waiter {
    id: u64,
    cores: u32,
    place: Place,
    go: oneshot::Sender<()>,
}

/// Who holds and who waits for cores.
#[derive(Default)]
struct Queues {
    free: u32,
    next_id: u64,
    /// Cores held, by organisation.
    held: HashMap<i64, u32>,
    /// Waiting computations, by organisation, first come first.
    waiting: HashMap<i64, VecDeque<Waiter>>,
    /// Organisations with waiting computations, in the order they are served.
    turn: VecDeque<i64>,
}

impl Queues {
    /// Starts every waiting computation that may start: organisations in turn, each at most
    /// `share` cores; when the organisation whose turn it is waits for more cores than are
    /// free, nobody behind it overtakes it (so a computation that needs two cores is not
    /// starved by a stream of one-core ones).
    fn dispatch(&mut self, share: u32) {
        'serve: loop {
            for k in 0..self.turn.len() {
                let org = self.turn[k];
                let held = self.held.get(&org).copied().unwrap_or(0);
                let Some(front) = self.waiting.get(&org).and_then(|q| q.front()) else {
                    continue;
                };
                if held + front.cores > share {
                    // This organisation has its share; the next one may go.
                    continue;
                }
                if front.cores > self.free {
                    break 'serve;
                }
                let Some(w) = self.waiting.get_mut(&org).and_then(|q| q.pop_front()) else {
                    continue;
                };
                self.turn.remove(k);
                if self.waiting.get(&org).is_some_and(|q| !q.is_empty()) {
                    self.turn.push_back(org);
                } else {
                    self.waiting.remove(&org);
                }
                w.place.set(None);
                if w.go.send(()).is_ok() {
                    self.free -= w.cores;
                    *self.held.entry(org).or_default() += w.cores;
                }
                continue 'serve;
            }
            break;
        }
        self.number_places();
    }

    /// Each waiting computation's place in the order they would start: the first of each
    /// organisation in turn, then the second of each, and so on.
    fn number_places(&self) {
        let mut n = 0;
        let longest = self.waiting.values().map(VecDeque::len).max().unwrap_or(0);
        for round in 0..longest {
            for org in &self.turn {
                if let Some(w) = self.waiting.get(org).and_then(|q| q.get(round)) {
                    w.place.set(Some(n));
                    n += 1;
                }
            }
        }
    }

    /// Takes a waiting computation out of its queue; false when it is not there (it started).
    fn leave(&mut self, org: i64, id: u64) -> bool {
        let Some(q) = self.waiting.get_mut(&org) else {
            return false;
        };
        let Some(k) = q.iter().position(|w| w.id == id) else {
            return false;
        };
        if let Some(w) = q.remove(k) {
            w.place.set(None);
        }
        if q.is_empty() {
            self.waiting.remove(&org);
            self.turn.retain(|o| *o != org);
        }
        true
    }

    fn give_back(&mut self, org: i64, cores: u32) {
        self.free += cores;
        if let Some(h) = self.held.get_mut(&org) {
            *h = h.saturating_sub(cores);
            if *h == 0 {
                self.held.remove(&org);
            }
        }
    }
}

/// The shared part of [`Work`].
#[derive(Default)]
struct Shared {
    queues: Mutex<Queues>,
    share: u32,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queues> {
        // A panic while holding this lock leaves consistent numbers (no step of it panics
        // half-way), so a poisoned lock is used as it is.
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Cores held by a running computation, given back when dropped.
struct Grant {
    shared: Arc<Shared>,
    org: i64,
    cores: u32,
}

impl Drop for Grant {
    fn drop(&mut self) {
        let mut q = self.shared.lock();
        q.give_back(self.org, self.cores);
        q.dispatch(self.shared.share);
    }
}

/// A computation waiting in a queue; leaves it when dropped (its client went away or gave up),
/// or gives the cores back if they were granted in the meantime.
struct Ticket {
    shared: Arc<Shared>,
    org: i64,
    id: u64,
    cores: u32,
    go: Option<oneshot::Receiver<()>>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let Some(mut go) = self.go.take() else {
            return;
        };
        let mut q = self.shared.lock();
        if !q.leave(self.org, self.id) && go.try_recv().is_ok() {
            // Started just as its client left: the cores go to the next one.
            q.give_back(self.org, self.cores);
        }
        q.dispatch(self.shared.share);
    }
}

/// How long a computation may wait for its cores.
#[derive(Debug, Clone, Copy)]
pub enum Wait {
    /// A request: at most this long, then 503.
    AtMost(Duration),
    /// A job: as long as it takes (until it is cancelled or the server stops).
    Queue,
}

/// The server's CPU budget.
pub struct Work {
    shared: Arc<Shared>,
    total: u32,
    stopping: Arc<AtomicBool>,
    queue_wait: Duration,
    /// Computations running or waiting, and a bell rung as each ends.
    in_flight: Arc<(AtomicUsize, Notify)>,
    /// The jobs this instance runs, so that a cancel reaching this instance stops one at once.
    jobs: Mutex<HashMap<i64, Cancel>>,
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Work")
            .field("cores", &self.total)
            .field("share", &self.shared.share)
            .finish_non_exhaustive()
    }
}

impl Default for Work {
    fn default() -> Self {
        Work::new(Work::machine_cores(), QUEUE_WAIT)
    }
}

/// Counts a computation (or a job) as under way until dropped.
pub struct InFlight(Arc<(AtomicUsize, Notify)>);

impl InFlight {
    fn new(n: &Arc<(AtomicUsize, Notify)>) -> InFlight {
        n.0.fetch_add(1, Ordering::SeqCst);
        InFlight(n.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }
}

impl Work {
    /// The machine's cores.
    pub fn machine_cores() -> u32 {
        std::thread::available_parallelism().map_or(2, |n| n.get() as u32)
    }

    /// The default share of one organisation: half the cores, at least one.
    pub fn default_share(cores: u32) -> u32 {
        (cores / 2).max(1)
    }

    /// A budget of `cores` cores, of which one organisation holds at most
    /// [`Work::default_share`]; a request waits `queue_wait` at most for its cores.
    pub fn new(cores: u32, queue_wait: Duration) -> Work {
        let total = cores.max(1);
        Work::with_share(total, Work::default_share(total), queue_wait)
    }

    /// A budget of `cores` cores of which one organisation holds at most `share` at once.
    pub fn with_share(cores: u32, share: u32, queue_wait: Duration) -> Work {
        let total = cores.max(1);
        let shared = Shared {
            queues: Mutex::new(Queues {
                free: total,
                ..Queues::default()
            }),
            share: share.clamp(1, total),
        };
        Work {
            shared: Arc::new(shared),
            total,
            stopping: Arc::new(AtomicBool::new(false)),
            queue_wait,
            in_flight: Arc::new((AtomicUsize::new(0), Notify::new())),
            jobs: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a piece of work (a job, from queueing to recording its end) as under way until
    /// the returned guard is dropped: a stopping server waits for it ([`Work::drained`]).
    pub fn busy(&self) -> InFlight {
        InFlight::new(&self.in_flight)
    }

    /// Records that this instance runs job `id` under `cancel`, until [`Work::job_ended`].
    pub fn job_started(&self, id: i64, cancel: &Cancel) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(id, cancel.clone());
        }
    }

    /// Forgets job `id`.
    pub fn job_ended(&self, id: i64) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.remove(&id);
        }
    }

    /// Cancels job `id` if this instance runs it (another instance's job stops at its next
    /// heartbeat, within a second).
    pub fn cancel_job(&self, id: i64) {
        if let Ok(jobs) = self.jobs.lock()
            && let Some(c) = jobs.get(&id)
        {
            c.cancel();
        }
    }

    /// The most cores one computation (and one organisation) may hold: what a computation
    /// that runs in parallel asks for.
    pub fn all(&self) -> u32 {
        self.shared.share
    }

    /// The most cores one organisation holds at once.
    pub fn share(&self) -> u32 {
        self.shared.share
    }

    /// The server is stopping: running computations are cancelled, waiting ones leave their
    /// queues, and new ones are refused.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// Waits until no computation runs or waits, or `limit` has passed; true when none is left.
    pub async fn drained(&self, limit: Duration) -> bool {
        let wait = async {
            loop {
                let bell = self.in_flight.1.notified();
                if self.in_flight.0.load(Ordering::SeqCst) == 0 {
                    return;
                }
                bell.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }

    /// A fresh cancellation flag, cancelled also when the server stops.
    pub fn cancel(&self) -> Cancel {
        Cancel {
            own: Arc::new(AtomicBool::new(false)),
            stopping: self.stopping.clone(),
        }
    }

    /// Runs `f` for organisation `org` on the blocking pool with `cores` cores (at most the
    /// organisation's share), waiting [`QUEUE_WAIT`] at most, cancelled when the caller's
    /// future is dropped.
    pub async fn run<T: Send + 'static>(
        &self,
        org: i64,
        cores: u32,
        f: impl FnOnce(&Cancel) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let cancel = self.cancel();
        self.run_with(
            org,
            cores,
            cancel,
            Wait::AtMost(self.queue_wait),
            &Place::new(),
            f,
        )
        .await
    }

    /// [`Work::run`] with a given flag (a job's, which its heartbeat can cancel), a given wait
    /// and a [`Place`] that tells the position in the queue while waiting.
    pub async fn run_with<T: Send + 'static>(
        &self,
        org: i64,
        cores: u32,
        cancel: Cancel,
        wait: Wait,
        place: &Place,
        f: impl FnOnce(&Cancel) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        if self.stopping.load(Ordering::Relaxed) {
            return Err(stopping());
        }
        let _counted = InFlight::new(&self.in_flight);
        let guard = CancelOnDrop(cancel.clone());
        let wanted = cores.clamp(1, self.shared.share);
        let grant = self.acquire(org, wanted, &cancel, wait, place).await?;
        let joined = tokio::task::spawn_blocking(move || {
            let _grant = grant;
            if cancel.is_cancelled() {
                return Err(cancelled());
            }
            // The computation's own parallel loops (rayon) use the cores it holds, no more.
            match rayon::ThreadPoolBuilder::new()
                .num_threads(wanted as usize)
                .thread_name(|k| format!("sextant-work-{k}"))
                .build()
            {
                Ok(pool) => pool.install(|| f(&cancel)),
                Err(_) => f(&cancel),
            }
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

    /// Queues for `cores` cores of organisation `org` and waits for them, for as long as
    /// `wait` allows, the flag is not cancelled and the server is not stopping.
    async fn acquire(
        &self,
        org: i64,
        cores: u32,
        cancel: &Cancel,
        wait: Wait,
        place: &Place,
    ) -> ApiResult<Grant> {
        let (tx, rx) = oneshot::channel();
        let mut ticket = {
            let mut q = self.shared.lock();
            q.next_id += 1;
            let id = q.next_id;
            q.waiting.entry(org).or_default().push_back(Waiter {
                id,
                cores,
                place: place.clone(),
                go: tx,
            });
            if !q.turn.contains(&org) {
                q.turn.push_back(org);
            }
            q.dispatch(self.shared.share);
            Ticket {
                shared: self.shared.clone(),
                org,
                id,
                cores,
                go: Some(rx),
            }
        };
        let started = async {
            // Looks at the flag every 100 ms: a cancelled job or a stopping server leaves the
            // queue at once.
            loop {
                let Some(go) = ticket.go.as_mut() else {
                    return false;
                };
                match tokio::time::timeout(Duration::from_millis(100), go).await {
                    Ok(Ok(())) => return true,
                    Ok(Err(_)) => return false,
                    Err(_) if cancel.is_cancelled() => return false,
                    Err(_) => {}
                }
            }
        };
        let (outcome, waited) = match wait {
            Wait::AtMost(limit) => (tokio::time::timeout(limit, started).await.ok(), limit),
            Wait::Queue => (Some(started.await), Duration::ZERO),
        };
        match outcome {
            Some(true) => {
                // Started: the ticket no longer stands in a queue.
                ticket.go = None;
                Ok(Grant {
                    shared: self.shared.clone(),
                    org,
                    cores,
                })
            }
            Some(false) if self.stopping.load(Ordering::Relaxed) => Err(stopping()),
            Some(false) => Err(cancelled()),
            None => Err(ApiError::Busy(
                format!(
                    "the server is busy with other analyses (waited {} s for a free core); try again shortly",
                    waited.as_secs()
                ),
                5,
            )),
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
        let v = w.run(1, 1, |_| Ok(6 * 7)).await.unwrap();
        assert_eq!(v, 42);
        let e = w
            .run(1, 1, |_| -> ApiResult<()> {
                Err(ApiError::Conflict("no".into()))
            })
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict(_)));
    }

    /// Holds one core for organisation `org` until the returned sender is used.
    fn hold(
        w: &Arc<Work>,
        org: i64,
    ) -> (
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<ApiResult<()>>,
    ) {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let busy = w.clone();
        let h = tokio::spawn(async move {
            busy.run(org, 1, move |_| {
                rx.recv().ok();
                Ok(())
            })
            .await
        });
        (tx, h)
    }

    /// With every core taken, a request waits its turn and then gets 503, not a queue
    /// without end.
    #[tokio::test]
    async fn a_full_server_answers_busy() {
        let w = Arc::new(Work::new(1, Duration::from_millis(100)));
        let (tx, hold) = hold(&w, 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let e = w.run(2, 1, |_| Ok(())).await.unwrap_err();
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
        // Freed, and the request that gave up left no place in the queue: the next one runs.
        w.run(2, 1, |_| Ok(())).await.unwrap();
    }

    /// The attack: two long job calls of one editor took both cores, and every other
    /// organisation got 503 after 20 s. Now one organisation holds at most its share (half),
    /// and another organisation's request runs at once on the other half.
    #[tokio::test]
    async fn one_organisation_cannot_take_every_core() {
        let w = Arc::new(Work::new(2, Duration::from_millis(500)));
        let (tx1, h1) = hold(&w, 1);
        let (tx2, h2) = hold(&w, 1);
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Organisation 2 gets the second core while organisation 1's second call waits.
        w.run(2, 1, |_| Ok(())).await.unwrap();
        assert!(
            !h2.is_finished(),
            "the second call of organisation 1 waits its turn"
        );
        tx1.send(()).unwrap();
        tx2.send(()).unwrap();
        h1.await.unwrap().unwrap();
        h2.await.unwrap().unwrap();
    }

    /// Organisations are served in turn: with one core, a queue of three calls of one
    /// organisation does not make a later call of another wait behind all three.
    #[tokio::test]
    async fn queues_are_served_in_turn() {
        let w = Arc::new(Work::with_share(1, 1, Duration::from_secs(10)));
        let order = Arc::new(Mutex::new(Vec::new()));
        let (tx, first) = hold(&w, 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut tasks = Vec::new();
        for (org, name) in [(1, "a2"), (1, "a3"), (1, "a4"), (2, "b1")] {
            let (w, order) = (w.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                w.run(org, 1, move |_| {
                    order.lock().unwrap().push(name);
                    Ok(())
                })
                .await
            }));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tx.send(()).unwrap();
        first.await.unwrap().unwrap();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["a2", "b1", "a3", "a4"]);
    }

    /// A queued job knows its place, and leaves the queue when cancelled.
    #[tokio::test]
    async fn a_queued_job_knows_its_place_and_leaves_when_cancelled() {
        let w = Arc::new(Work::with_share(1, 1, Duration::from_secs(10)));
        let (tx, first) = hold(&w, 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let place = Place::new();
        let cancel = w.cancel();
        let job = {
            let (w, place, cancel) = (w.clone(), place.clone(), cancel.clone());
            tokio::spawn(async move {
                w.run_with(1, 1, cancel, Wait::Queue, &place, |_| Ok(()))
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(place.ahead(), Some(0), "next to start");
        cancel.cancel();
        let e = job.await.unwrap().unwrap_err();
        assert!(
            matches!(e, ApiError::Busy(ref m, _) if m.contains("cancelled")),
            "{e:?}"
        );
        assert_eq!(place.ahead(), None);
        tx.send(()).unwrap();
        first.await.unwrap().unwrap();
        // Nothing is left holding the core.
        w.run(2, 1, |_| Ok(())).await.unwrap();
    }

    /// A job waits for as long as it takes instead of failing after the requests' 20 s.
    #[tokio::test]
    async fn a_job_waits_beyond_the_request_limit() {
        let w = Arc::new(Work::with_share(1, 1, Duration::from_millis(50)));
        let (tx, first) = hold(&w, 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let job = {
            let w = w.clone();
            tokio::spawn(async move {
                w.run_with(1, 1, w.cancel(), Wait::Queue, &Place::new(), |_| Ok(7))
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!job.is_finished());
        tx.send(()).unwrap();
        first.await.unwrap().unwrap();
        assert_eq!(job.await.unwrap().unwrap(), 7);
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
                w.run(1, 1, move |cancel| {
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
        w.run(1, 1, |_| Ok(())).await.unwrap();
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
                w.run(1, 1, |cancel| -> ApiResult<()> {
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
        assert!(w.drained(Duration::from_secs(1)).await);
        let e = w.run(1, 1, |_| Ok(())).await.unwrap_err();
        assert!(
            matches!(e, ApiError::Busy(ref m, _) if m.contains("stopping")),
            "{e:?}"
        );
    }

    /// A computation's parallel loops run on the cores it holds, not on every core.
    #[tokio::test]
    async fn parallel_loops_use_the_cores_held() {
        let w = Work::with_share(4, 2, Duration::from_secs(1));
        let threads = w
            .run(1, 4, |_| Ok(rayon::current_num_threads()))
            .await
            .unwrap();
        assert_eq!(threads, 2);
    }
}
