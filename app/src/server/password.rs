//! Password hashing with argon2id, temporary passwords, and the server's half of the password
//! rule (the common-password list, which stays out of the browser's WASM).
//!
//! Hashing is deliberately slow and takes 19 MiB per call, so it runs on the blocking thread
//! pool behind a gate: a few at a time (one per core), a bounded number waiting, and anyone
//! beyond that told at once that the server is busy. Without the gate, a flood of sign-ins
//! would start one 19 MiB hash per request on tokio's blocking pool (up to 512 threads:
//! ~10 GiB) and starve every other request of CPU.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use tokio::sync::Semaphore;

use crate::domain::password_policy::check_new_password;
use crate::error::AppError;

/// OWASP's argon2id minimum: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes on the calling thread: for start-up, the CLI and tests. Requests use [`hash_password`].
pub fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = hasher()?.hash_password(password.as_bytes(), &salt).map_err(AppError::internal)?;
    Ok(hash.to_string())
}

/// True when `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify_password_blocking(password: &str, stored_hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored_hash) else {
        return false;
    };
    // Verification uses the parameters stored in the hash itself.
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Runs CPU-heavy work on the blocking pool, at most `workers` at once, with at most `waiting`
/// more in line; a caller beyond that gets [`AppError::Busy`] at once instead of queueing
/// without end. Failing fast rather than with a timeout: the line is short enough (a few
/// hashes per worker, well under a second) that whoever gets in is served promptly, and a
/// flood is turned away before it costs anything.
pub struct HashGate {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl HashGate {
    pub fn new(workers: usize, waiting: usize) -> HashGate {
        let workers = workers.max(1);
        HashGate { running: Arc::new(Semaphore::new(workers)), admitted: Arc::new(Semaphore::new(workers + waiting)) }
    }

    /// One worker per core, at least two (a sign-in must not wait behind a single slow one),
    /// and eight waiting per worker.
    fn for_this_machine() -> HashGate {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let workers = cores.max(2);
        HashGate::new(workers, workers * 8)
    }

    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let admitted = self.admitted.clone().try_acquire_owned().map_err(|_| AppError::Busy)?;
        let running = self.running.clone().acquire_owned().await.map_err(AppError::internal)?;
        // The permits go with the work: if the request is dropped meanwhile, the hash still
        // occupies its core until it ends, and so does its permit.
        tokio::task::spawn_blocking(move || {
            let _permits = (admitted, running);
            work()
        })
        .await
        .map_err(AppError::internal)
    }
}

static GATE: LazyLock<HashGate> = LazyLock::new(HashGate::for_this_machine);

pub async fn hash_password(password: String) -> Result<String, AppError> {
    GATE.run(move || hash_password_blocking(&password)).await?
}

/// Whether `password` matches `stored_hash`; with no hash (an unknown account), a decoy with the
/// real parameters is verified instead and the answer is false, so the two cases take as long.
pub async fn verify_password(password: String, stored_hash: Option<String>) -> Result<bool, AppError> {
    GATE.run(move || match stored_hash {
        Some(hash) => verify_password_blocking(&password, &hash),
        None => {
            verify_password_blocking(&password, &DECOY_HASH);
            false
        }
    })
    .await
}

/// Made on first use, on the blocking pool (inside the gate), never on an async worker.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password_blocking("decoy password for unknown emails").unwrap_or_default());

/// A one-time password for an account an admin creates or resets: 16 letters and digits
/// (about 95 bits), easy to read out, replaced by the person at first sign-in. Never one on
/// the common list (a few 16-character ones are: astronomically unlikely, but free to rule out).
pub fn temporary_password() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    loop {
        let password: String = rand::thread_rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect();
        if !is_common_password(&password) {
            return password;
        }
    }
}

/// How long a temporary password signs in: long enough for a weekend, short enough that one
/// written down or sent and never used does not stay a way in.
pub const TEMPORARY_PASSWORD_HOURS: i64 = 72;

/// Whether a temporary password set at `issued_at` has expired at `now`.
pub fn temporary_password_expired(issued_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - issued_at >= Duration::hours(TEMPORARY_PASSWORD_HOURS)
}

/// The message for someone who gave the right temporary password too late.
pub const TEMPORARY_PASSWORD_EXPIRED: &str =
    "Your temporary password has expired (they last 72 hours). Please ask an administrator for a new one.";

/// The 10,000 most common passwords (SecLists, MIT licence; see the notes beside the file),
/// lower-cased once: the check ignores case, as guessers do.
static COMMON_PASSWORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords-10k.txt")
        .lines()
        .map(|line| line.trim().to_lowercase())
        .filter(|line| !line.is_empty())
        .collect()
});

pub const COMMON_PASSWORD: &str =
    "This password is one of the most common ones, which are tried first. Choose another.";

pub fn is_common_password(password: &str) -> bool {
    COMMON_PASSWORDS.contains(&password.to_lowercase())
}

/// The whole rule for a password a person chooses: the shared length rule (which the browser
/// also checks as you type) and, here on the server only, not a common password.
pub fn check_chosen_password(password: &str) -> Result<(), String> {
    check_new_password(password).map_err(|e| e.to_string())?;
    if is_common_password(password) {
        return Err(COMMON_PASSWORD.to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let first = hash_password_blocking("correct horse battery staple").unwrap();
        let second = hash_password_blocking("correct horse battery staple").unwrap();
        assert!(first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify_password_blocking("correct horse battery staple", &first));
        assert!(!verify_password_blocking("Correct horse battery staple", &first));
        assert!(!verify_password_blocking("anything", "not a hash"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_gate_runs_a_few_at_once_and_turns_the_rest_away() {
        let gate = Arc::new(HashGate::new(2, 3));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let released = Arc::new(std::sync::Mutex::new(released));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        // Five callers fit (two running, three waiting); each holds its worker until released.
        let mut admitted = Vec::new();
        for _ in 0..5 {
            let (gate, released, running, most) = (gate.clone(), released.clone(), running.clone(), most.clone());
            admitted.push(tokio::spawn(async move {
                gate.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    released.lock().unwrap().recv().unwrap();
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        // Wait until two are running: the other three are in line.
        while running.load(Ordering::SeqCst) < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(gate.run(|| ()).await, Err(AppError::Busy), "the sixth is turned away at once");
        for _ in 0..5 {
            release.send(()).unwrap();
        }
        for caller in admitted {
            assert_eq!(caller.await.unwrap(), Ok(()));
        }
        assert_eq!(most.load(Ordering::SeqCst), 2, "never more than two at once");
        assert_eq!(gate.run(|| 7).await, Ok(7), "room again once the line has gone");
    }

    #[test]
    fn temporary_passwords_last_72_hours() {
        let issued = Utc::now();
        assert!(!temporary_password_expired(issued, issued + Duration::hours(71)));
        assert!(temporary_password_expired(issued, issued + Duration::hours(72)));
        assert!(temporary_password_expired(issued, issued + Duration::days(30)));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert!(COMMON_PASSWORDS.len() > 9_000, "{}", COMMON_PASSWORDS.len());
        assert!(is_common_password("password"));
        assert!(is_common_password("QWERTY123456"));
        assert!(is_common_password("LeaveMeAlone"));
        assert_eq!(check_chosen_password("qwertyuiop"), Err("Use at least 12 characters.".to_string()));
        assert_eq!(check_chosen_password("1qaz2wsx3edc"), Err(COMMON_PASSWORD.to_string()));
        assert_eq!(check_chosen_password("QAZWSXEDCRFV"), Err(COMMON_PASSWORD.to_string()));
        assert_eq!(check_chosen_password("correct horse battery staple"), Ok(()));
        assert_eq!(check_chosen_password(&temporary_password()), Ok(()));
    }
}
