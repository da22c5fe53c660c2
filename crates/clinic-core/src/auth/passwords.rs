//! Password rules and hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::{CoreError, CoreResult, message};

/// The 10,000 most common passwords (from the zxcvbn project's frequency lists, MIT licence), one per line.
const COMMON_PASSWORDS: &str = include_str!("../../data/common-passwords.txt");

/// The shortest password.
const MIN_LENGTH: usize = 10;

/// The password rules: at least 10 characters, not a common password, not the username.
pub(crate) fn check_rules(field: &'static str, username: &str, password: &str) -> CoreResult<()> {
    // Ten spaces are ten characters, and no password.
    if password.trim().is_empty() {
        return Err(CoreError::invalid(field, message!("required")));
    }
    if password.chars().count() < MIN_LENGTH {
        return Err(CoreError::invalid(
            field,
            message!("password_too_short", min = MIN_LENGTH),
        ));
    }
    let lowered = password.trim().to_lowercase();
    if lowered == username.trim().to_lowercase() {
        return Err(CoreError::invalid(field, message!("password_is_username")));
    }
    if COMMON_PASSWORDS.lines().any(|common| common == lowered) {
        return Err(CoreError::invalid(field, message!("password_too_common")));
    }
    Ok(())
}

pub(crate) fn hash(password: &str) -> CoreResult<String> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| CoreError::Internal(format!("cannot salt the password: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("cannot hash the password: {e}")))
}

pub(crate) fn verify(hash: &str, password: &str) -> bool {
    #[cfg(test)]
    VERIFIED.with(|n| n.set(n.get() + 1));
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
thread_local! {
    /// How many passwords this thread verified: sign-in tests compare the work of its paths.
    pub(crate) static VERIFIED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A valid hash of nothing anyone knows, verified when the username does not exist so that the time
/// taken does not reveal it.
pub(crate) const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZW4kUr+Pa9p6pXxzLlmQOYzjyIcvQ6wCyzDPETGG8Fw";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(check_rules("p", "maria", "short").is_err());
        assert!(check_rules("p", "administrator", "Administrator").is_err());
        assert!(
            check_rules("p", "maria", "1234567890")
                .unwrap_err()
                .to_string()
                .contains("too common")
        );
        assert!(check_rules("p", "maria", "qwertyuiop").is_err());
        assert!(check_rules("p", "maria", "a long enough passphrase").is_ok());
    }

    #[test]
    fn the_common_list_is_shipped_whole() {
        assert_eq!(COMMON_PASSWORDS.lines().count(), 10_000);
    }

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash("a long enough passphrase").unwrap();
        let b = hash("a long enough passphrase").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify(&a, "a long enough passphrase"));
        assert!(!verify(&a, "another passphrase"));
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
    }

    #[test]
    fn a_password_of_spaces_is_no_password() {
        let err = check_rules("password", "ana", "            ").unwrap_err();
        assert_eq!(err.field(), Some("password"));
        assert!(check_rules("password", "ana", "a long and unusual phrase").is_ok());
    }
}
