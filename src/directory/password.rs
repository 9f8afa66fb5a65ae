//! Local account passwords, as argon2id PHC strings.
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;

/// An argon2id PHC string for `password`, as `bridgebook hash-password` prints.
pub fn hash(password: &str) -> Result<String, String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` is the one `phc` was made from.
pub fn verify(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify() {
        let h = super::hash("pw").unwrap();
        assert!(super::verify(&h, "pw"));
        assert!(!super::verify(&h, "other"));
        assert!(!super::verify("not a hash", "pw"));
    }
}
