//! When a search must stop early: its caller's word (a server whose client went away, a job
//! cancelled, a server stopping) reaches every loop of the optimiser, and inside HiGHS
//! through its interrupt callback, so abandoned work gives its core back within a moment
//! instead of at its time limit.
//!
//! The callback is the one place in the workspace with `unsafe` code: HiGHS offers
//! interruption only through a C function pointer, and the `highs` crate does not wrap it
//! (`highs-sys`, which it builds on, has the bindings).

use std::sync::Arc;
use std::time::Instant;

/// A caller's request to stop; [`Stop::never`] (the default) for callers that wait for the
/// end, such as the CLI.
#[derive(Clone, Default)]
pub struct Stop(Option<Arc<dyn Fn() -> bool + Send + Sync>>);

impl std::fmt::Debug for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Stop(when asked)"
        } else {
            "Stop(never)"
        })
    }
}

impl Stop {
    /// Stops once `asked` returns true (it is called often: it should be an atomic load).
    pub fn when(asked: impl Fn() -> bool + Send + Sync + 'static) -> Stop {
        Stop(Some(Arc::new(asked)))
    }

    /// Never stops early.
    pub fn never() -> Stop {
        Stop(None)
    }

    /// True once the caller has asked to stop.
    pub fn requested(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f())
    }

    /// True once `deadline` has passed or the caller has asked to stop.
    pub fn over(&self, deadline: Instant) -> bool {
        Instant::now() > deadline || self.requested()
    }

    /// Solves `model` with the stop request registered as HiGHS's interrupt callback
    /// (simplex, interior point and branch and bound all poll it). `None` when HiGHS failed or
    /// was interrupted: an interrupted model has a status the `highs` crate cannot name (its
    /// `status()` would panic), so it is never handed back.
    pub(crate) fn solve(&self, mut model: highs::Model) -> Option<highs::SolvedModel> {
        let Some(asked) = self.0.as_ref() else {
            return model.try_solve().ok();
        };
        let asked: &(dyn Fn() -> bool + Send + Sync) = asked.as_ref();
        // A thin pointer to the fat reference, for the C side's `void*`.
        let user: *const &(dyn Fn() -> bool + Send + Sync) = &asked;
        let ptr = model.as_mut_ptr();
        // SAFETY: `ptr` is the live `Highs` object owned by `model`; `callback` has the
        // signature of `HighsCCallbackType`; `user` points to `asked`, which lives on this frame
        // until after `try_solve` below, the only call during which HiGHS invokes the callback
        // (a solved model is never run again).
        #[allow(unsafe_code)]
        unsafe {
            highs_sys::Highs_setCallback(ptr, Some(callback), user as *mut std::ffi::c_void);
            for kind in INTERRUPTS {
                highs_sys::Highs_startCallback(ptr, kind);
            }
        }
        let solved = model.try_solve().ok()?;
        // SAFETY: `solved` owns the live `Highs` object; reading its status has no other effect.
        #[allow(unsafe_code)]
        let status = unsafe { highs_sys::Highs_getModelStatus(solved.as_ptr()) };
        let _ = &asked;
        (status != highs_sys::MODEL_STATUS_REACHED_INTERRUPT
            && status != highs_sys::MODEL_STATUS_HIGHS_INTERRUPT)
            .then_some(solved)
    }
}

/// The callbacks through which HiGHS asks whether to stop: simplex, interior point, MIP.
const INTERRUPTS: [highs_sys::HighsInt; 3] = [
    highs_sys::kHighsCallbackSimplexInterrupt as highs_sys::HighsInt,
    highs_sys::kHighsCallbackIpmInterrupt as highs_sys::HighsInt,
    highs_sys::kHighsCallbackMipInterrupt as highs_sys::HighsInt,
];

/// HiGHS's interrupt callback: sets `user_interrupt` when the caller asked to stop.
#[allow(unsafe_code)]
unsafe extern "C" fn callback(
    _kind: std::ffi::c_int,
    _message: *const std::ffi::c_char,
    _out: *const highs_sys::HighsCallbackDataOut,
    data_in: *mut highs_sys::HighsCallbackDataIn,
    user: *mut std::ffi::c_void,
) {
    if user.is_null() || data_in.is_null() {
        return;
    }
    // SAFETY: `user` is the pointer `interrupting` registered, to a reference that lives while
    // HiGHS runs; `data_in` is HiGHS's own, valid for this call. A panic must not cross into
    // C++, so the caller's function is asked under `catch_unwind` and a panic counts as "stop".
    let asked = unsafe { &*(user as *const &(dyn Fn() -> bool + Send + Sync)) };
    let stop = std::panic::catch_unwind(std::panic::AssertUnwindSafe(asked)).unwrap_or(true);
    if stop {
        unsafe {
            (*data_in).user_interrupt = 1;
        }
    }
}
