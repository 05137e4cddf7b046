//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the blocking
//! thread pool, never on the async workers.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

/// OWASP's argon2id minimum: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash_password_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = hasher()?.hash_password(password.as_bytes(), &salt).map_err(AppError::internal)?;
    Ok(hash.to_string())
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password)).await.map_err(AppError::internal)?
}

/// True when `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify_password_blocking(password: &str, stored_hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored_hash) else {
        return false;
    };
    // Verification uses the parameters stored in the hash itself.
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// A one-time password for an account an admin creates or resets: 16 letters and digits
/// (about 95 bits), easy to read out, replaced by the person at first sign-in.
pub fn temporary_password() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::thread_rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
