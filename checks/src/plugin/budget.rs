//! A memory budget for one thread, enforced where memory is allocated.
//!
//! Rego policies come from check packs, and a policy can ask for more than any machine has in a
//! single step (`numbers.range(1, 1e10)`, a string doubled forty times). regorus's own limits are
//! cooperative: they are checked between steps, after the allocation already happened. This
//! allocator wraps the system allocator and counts the live bytes of a thread that armed a
//! budget; an allocation that would take the thread over its budget never happens. The thread
//! is parked for good instead (an allocator may not fail or unwind without aborting the process),
//! a flag tells the thread waiting for its answer, and the policy's check answers `unknown`. The
//! parked thread keeps what it had allocated, at most the budget, until the process ends.
//!
//! The binaries install it (`#[global_allocator]`); unarmed threads pay one thread-local read per
//! allocation. A program that does not install it gets no memory budget, which
//! [`Armed::enforced`] reports, and keeps the time limit.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The allocator to install with `#[global_allocator]`.
pub struct Counting;

#[derive(Clone, Copy)]
struct State {
    /// Bytes the thread may hold; 0 when no budget is armed.
    limit: usize,
    /// Live bytes allocated since the budget was armed (frees of older memory count as zero).
    used: usize,
    /// Set when the budget is exceeded; points into the `Arc` the armed thread holds.
    flag: *const AtomicBool,
}

thread_local! {
    static STATE: Cell<State> = const { Cell::new(State { limit: 0, used: 0, flag: std::ptr::null() }) };
}

/// Accounts `grow` more bytes on this thread; parks the thread for good if that exceeds its
/// budget. Returns normally when the allocation may proceed.
fn charge(grow: usize) {
    let _ = STATE.try_with(|s| {
        let mut st = s.get();
        if st.limit == 0 {
            return;
        }
        st.used = st.used.saturating_add(grow);
        if st.used <= st.limit {
            s.set(st);
            return;
        }
        // over budget: tell the waiting thread, then never return (nothing here allocates)
        if !st.flag.is_null() {
            // SAFETY: the flag lives in an `Arc` owned by this very thread's `Armed`, which is
            // not dropped while the thread is parked here.
            unsafe { (*st.flag).store(true, Ordering::SeqCst) };
        }
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    });
}

fn release(shrink: usize) {
    let _ = STATE.try_with(|s| {
        let mut st = s.get();
        if st.limit != 0 {
            st.used = st.used.saturating_sub(shrink);
            s.set(st);
        }
    });
}

// SAFETY: every call is forwarded to `System` unchanged; the accounting neither allocates nor
// unwinds (a thread over budget sleeps forever instead of returning).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        release(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            charge(new_size - layout.size());
        } else {
            release(layout.size() - new_size);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// A budget armed on the current thread until dropped.
pub struct Armed {
    exceeded: Arc<AtomicBool>,
    enforced: bool,
}

impl Armed {
    /// Arms a budget of `limit` bytes on the current thread; `exceeded` is set if the thread
    /// goes over it (the thread then never returns from that allocation).
    pub fn arm(limit: usize, exceeded: Arc<AtomicBool>) -> Armed {
        let flag = Arc::as_ptr(&exceeded);
        STATE.with(|s| s.set(State { limit: limit.max(1), used: 0, flag }));
        // whether the installed allocator counts: a probe allocation must show up
        let probe = std::hint::black_box(Box::new(0u64));
        let enforced = STATE.with(|s| s.get().used) >= std::mem::size_of::<u64>();
        drop(probe);
        Armed { exceeded, enforced }
    }

    /// Whether the allocator enforces the budget (it is installed in this program).
    pub fn enforced(&self) -> bool {
        self.enforced
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        STATE.with(|s| s.set(State { limit: 0, used: 0, flag: std::ptr::null() }));
        let _ = &self.exceeded;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_over_its_budget_is_parked_and_reported() {
        let flag = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let f = flag.clone();
        std::thread::spawn(move || {
            let armed = Armed::arm(1 << 20, f);
            assert!(armed.enforced(), "the test binary installs the allocator");
            let small: Vec<u8> = vec![1; 1000];
            let _ = tx.send(small.len());
            let huge: Vec<u8> = vec![1; 64 << 20];
            let _ = tx.send(huge.len());
        });
        assert_eq!(rx.recv().unwrap(), 1000, "allocations within the budget proceed");
        assert!(rx.recv_timeout(std::time::Duration::from_secs(5)).is_err(), "the big one never returns");
        assert!(flag.load(Ordering::SeqCst));
    }

    #[test]
    fn freed_memory_returns_to_the_budget_and_unarmed_threads_are_free() {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let done = std::thread::spawn(move || {
            let _armed = Armed::arm(8 << 20, f);
            for _ in 0..100 {
                let v: Vec<u8> = vec![0; 4 << 20];
                std::hint::black_box(&v);
            }
            true
        });
        assert!(done.join().unwrap());
        assert!(!flag.load(Ordering::SeqCst));
        let v: Vec<u8> = vec![0; 64 << 20];
        assert_eq!(v.len(), 64 << 20);
    }
}
