//! Database errors the rules expect: a deadlock PostgreSQL broke (run the transaction again)
//! and a violated constraint that means "this input is wrong" (say which field, and why).

use std::future::Future;

use crate::error::AppError;

/// How often a write runs when PostgreSQL breaks a deadlock by aborting it.
pub const WRITE_ATTEMPTS: usize = 3;

/// PostgreSQL aborted the statement to break a deadlock. Concurrent inserts that check the
/// same exclusion constraint can wait on each other; running the transaction again settles it.
pub fn is_deadlock(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("40P01"))
}

/// Runs `attempt` (one whole transaction, answering None when it lost a deadlock) up to
/// [`WRITE_ATTEMPTS`] times; when every try lost, the answer is `gave_up()`.
pub async fn retry_on_deadlock<T, Attempt, Fut>(
    mut attempt: Attempt,
    gave_up: impl FnOnce() -> AppError,
) -> Result<T, AppError>
where
    Attempt: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, AppError>>,
{
    for _ in 0..WRITE_ATTEMPTS {
        if let Some(done) = attempt().await? {
            return Ok(done);
        }
        tracing::info!("a concurrent write deadlocked; trying again");
    }
    Err(gave_up())
}

/// A constraint whose violation is the person's mistake: which field, and what to tell them.
pub struct ConstraintMessage {
    pub constraint: &'static str,
    pub field: &'static str,
    pub message: &'static str,
}

/// The field error for a violated constraint named in `known`; any other error as usual (an
/// unknown violation is our bug: an opaque 500 with a reference).
pub fn on_constraint(error: sqlx::Error, known: &[ConstraintMessage]) -> AppError {
    let violated = match &error {
        sqlx::Error::Database(db) => db.constraint(),
        _ => None,
    };
    match known.iter().find(|k| Some(k.constraint) == violated) {
        Some(k) => AppError::invalid(k.field, k.message),
        None => AppError::from(error),
    }
}
