//! Bounds on the work a stranger can cause by signing in: failed attempts are
//! counted per client address and per address + username in maps that never
//! grow past a fixed size, and argon2 runs under a semaphore with a short,
//! bounded queue, so a flood gets 429s instead of every core and all memory.
//! No username is kept: the pair key is a hash.

use super::error::{ApiError, ApiResult};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Failures one address may have with one username per window; then that pair waits.
pub const PAIR_FAILURES: u32 = 5;
/// Failures one client address may have per window, whatever names it tries.
pub const ADDR_FAILURES: u32 = 30;
const WINDOW: Duration = Duration::from_secs(300);
/// Keys each map holds at most; when full, expired entries go, then the oldest.
pub const MAP_CAPACITY: usize = 10_000;

struct Window {
    count: u32,
    since: Instant,
}

/// Failure counts per key, never more than `cap` keys.
struct Counts<K> {
    map: HashMap<K, Window>,
    cap: usize,
}

impl<K: Hash + Eq + Clone> Counts<K> {
    fn new(cap: usize) -> Self {
        Counts { map: HashMap::new(), cap: cap.max(1) }
    }

    fn count(&self, key: &K) -> u32 {
        self.map.get(key).filter(|w| w.since.elapsed() < WINDOW).map_or(0, |w| w.count)
    }

    /// Gives back one counted attempt (a sign-in that succeeded).
    fn unbump(&mut self, key: &K) {
        if let Some(w) = self.map.get_mut(key).filter(|w| w.since.elapsed() < WINDOW) {
            w.count = w.count.saturating_sub(1);
        }
    }

    fn bump(&mut self, key: K) {
        if !self.map.contains_key(&key) && self.map.len() >= self.cap {
            self.make_room();
        }
        let w = self.map.entry(key).or_insert(Window { count: 0, since: Instant::now() });
        if w.since.elapsed() >= WINDOW {
            *w = Window { count: 0, since: Instant::now() };
        }
        w.count = w.count.saturating_add(1);
    }

    fn make_room(&mut self) {
        self.map.retain(|_, w| w.since.elapsed() < WINDOW);
        if self.map.len() >= self.cap {
            let oldest = self.map.iter().min_by_key(|(_, w)| w.since).map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.map.remove(&k);
            }
        }
    }
}

/// The address a limit applies to: IPv4 as is, IPv6 by its /64 (one host
/// usually owns a whole /64, so single addresses would be free to rotate).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

fn pair_key(ip: IpAddr, username: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(address_key(ip).to_string().as_bytes());
    h.update([0]);
    h.update(username.to_lowercase().as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&h.finalize()[..16]);
    key
}

/// Failed sign-ins (and failed re-confirmations of an admin's password). A
/// stranger who fails five times for `admin` blocks only their own address
/// for that name; the admin signing in from elsewhere is not affected.
pub struct Limiter {
    addrs: Mutex<Counts<IpAddr>>,
    pairs: Mutex<Counts<[u8; 16]>>,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::with_capacity(MAP_CAPACITY)
    }
}

impl Limiter {
    pub fn with_capacity(cap: usize) -> Self {
        Limiter { addrs: Mutex::new(Counts::new(cap)), pairs: Mutex::new(Counts::new(cap)) }
    }

    /// Refuses (429) an address over its limit, or an address + name over theirs.
    pub fn check(&self, ip: IpAddr, username: &str) -> ApiResult<()> {
        let addr_over = self.addrs.lock().expect("limiter lock").count(&address_key(ip)) >= ADDR_FAILURES;
        let pair_over = self.pairs.lock().expect("limiter lock").count(&pair_key(ip, username)) >= PAIR_FAILURES;
        if addr_over || pair_over {
            return Err(ApiError::TooManyRequests("too many failed sign-ins; wait a few minutes".into()));
        }
        Ok(())
    }

    /// Checks and counts one attempt in one step, before the password is
    /// verified: guesses sent in parallel cannot all pass the check while the
    /// hasher is busy with the first ones. A success gives it back (`succeed`).
    pub fn begin(&self, ip: IpAddr, username: &str) -> ApiResult<()> {
        let (ak, pk) = (address_key(ip), pair_key(ip, username));
        let mut addrs = self.addrs.lock().expect("limiter lock");
        let mut pairs = self.pairs.lock().expect("limiter lock");
        if addrs.count(&ak) >= ADDR_FAILURES || pairs.count(&pk) >= PAIR_FAILURES {
            return Err(ApiError::TooManyRequests("too many failed sign-ins; wait a few minutes".into()));
        }
        addrs.bump(ak);
        pairs.bump(pk);
        Ok(())
    }

    pub fn fail(&self, ip: IpAddr, username: &str) {
        self.addrs.lock().expect("limiter lock").bump(address_key(ip));
        self.pairs.lock().expect("limiter lock").bump(pair_key(ip, username));
    }

    /// A success clears the pair, not the address (one good account must not
    /// reset an address that is guessing at others).
    pub fn succeed(&self, ip: IpAddr, username: &str) {
        self.pairs.lock().expect("limiter lock").map.remove(&pair_key(ip, username));
        self.addrs.lock().expect("limiter lock").unbump(&address_key(ip));
    }

    /// Keys held (addresses, pairs): bounded by the capacity.
    pub fn sizes(&self) -> (usize, usize) {
        (self.addrs.lock().expect("limiter lock").map.len(), self.pairs.lock().expect("limiter lock").map.len())
    }
}

/// Runs argon2 (hash and verify) on at most `workers` blocking threads; up to
/// `queue` more callers wait at most `wait`; the rest are refused with 429.
pub struct Hasher {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
    wait: Duration,
}

impl Default for Hasher {
    /// Half the cores (at least one), a queue of 32, 10 seconds of waiting.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hasher::new((cores / 2).max(1), 32, Duration::from_secs(10))
    }
}

struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hasher {
    pub fn new(workers: usize, queue: usize, wait: Duration) -> Self {
        Hasher { permits: Arc::new(Semaphore::new(workers.max(1))), waiting: AtomicUsize::new(0), queue, wait }
    }

    fn busy() -> ApiError {
        ApiError::TooManyRequests("the server is busy checking passwords; try again in a moment".into())
    }

    /// A slot to hash in: at once if one is free, else after a bounded wait in a bounded queue.
    pub async fn permit(&self) -> ApiResult<OwnedSemaphorePermit> {
        if let Ok(p) = self.permits.clone().try_acquire_owned() {
            return Ok(p);
        }
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst) + 1;
        let _guard = Waiting(&self.waiting);
        if queued > self.queue {
            return Err(Self::busy());
        }
        match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(p)) => Ok(p),
            _ => Err(Self::busy()),
        }
    }

    /// Callers waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    pub async fn verify(&self, password: &str, hash: &str) -> ApiResult<bool> {
        let permit = self.permit().await?;
        let (password, hash) = (password.to_string(), hash.to_string());
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            super::auth::verify_password(&password, &hash)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("password check: {e}")))
    }

    pub async fn hash(&self, password: &str) -> ApiResult<String> {
        let permit = self.permit().await?;
        let password = password.to_string();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            super::auth::hash_password(&password)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("hashing: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_stay_bounded_and_keep_no_names() {
        let limiter = Limiter::with_capacity(100);
        for i in 0..1000u32 {
            let ip = IpAddr::from([10, (i >> 16) as u8, (i >> 8) as u8, i as u8]);
            limiter.fail(ip, &"x".repeat(1000));
        }
        let (addrs, pairs) = limiter.sizes();
        assert!(addrs <= 100 && pairs <= 100, "{addrs} addresses, {pairs} pairs kept");
        // The newest address is still counted.
        let last = IpAddr::from([10, 0, 3, 231]);
        assert_eq!(limiter.addrs.lock().unwrap().count(&last), 1);
    }

    #[test]
    fn a_stranger_blocks_only_their_own_address() {
        let limiter = Limiter::default();
        let (stranger, owner) = (IpAddr::from([203, 0, 113, 9]), IpAddr::from([192, 168, 1, 5]));
        for _ in 0..PAIR_FAILURES {
            limiter.fail(stranger, "admin");
        }
        assert!(limiter.check(stranger, "Admin").is_err());
        assert!(limiter.check(owner, "admin").is_ok());
        // The stranger may not spray other names past the address limit either.
        for i in 0..ADDR_FAILURES {
            limiter.fail(stranger, &format!("user{i}"));
        }
        assert!(limiter.check(stranger, "someone-new").is_err());
        // Addresses of one IPv6 /64 count together.
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        for _ in 0..ADDR_FAILURES {
            limiter.fail(a, "n");
        }
        assert!(limiter.check(b, "other").is_err());
    }

    #[test]
    fn parallel_guesses_are_counted_before_they_are_verified() {
        // Twenty guesses in flight at once (none verified yet): only the first
        // PAIR_FAILURES may go on to the hasher.
        let limiter = Limiter::default();
        let ip = IpAddr::from([198, 51, 100, 7]);
        let passed = (0..20).filter(|_| limiter.begin(ip, "admin").is_ok()).count();
        assert_eq!(passed, PAIR_FAILURES as usize);
        // A success gives its attempt back to the address and clears the pair.
        let other = IpAddr::from([198, 51, 100, 8]);
        for _ in 0..ADDR_FAILURES * 2 {
            limiter.begin(other, "analyst").unwrap();
            limiter.succeed(other, "analyst");
        }
        assert!(limiter.begin(other, "analyst").is_ok());
    }

    #[tokio::test]
    async fn hashing_is_bounded_and_the_queue_too() {
        let hasher = Arc::new(Hasher::new(1, 1, Duration::from_secs(30)));
        let held = hasher.permit().await.unwrap();
        let queued = tokio::spawn({
            let h = hasher.clone();
            async move { h.permit().await.map(drop) }
        });
        while hasher.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        // One slot busy, one caller queued: the next is refused at once.
        assert!(matches!(hasher.permit().await, Err(ApiError::TooManyRequests(_))));
        drop(held);
        assert!(queued.await.unwrap().is_ok());
        let short = Hasher::new(1, 4, Duration::from_millis(50));
        let _held = short.permit().await.unwrap();
        assert!(matches!(short.permit().await, Err(ApiError::TooManyRequests(_))), "a bounded wait");
    }
}
