//! Users, roles, passwords and signing in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use clinic_store::{AuditEvent, Fields, Table, WriteTx};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::validate::required;
use crate::{Clinic, CoreError, CoreResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Doctor,
    Nurse,
    Receptionist,
    Billing,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Doctor,
        Role::Nurse,
        Role::Receptionist,
        Role::Billing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Receptionist => "receptionist",
            Role::Billing => "billing",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The signed-in user, as the app and CLI hold it for the length of a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// A user to create. Field names in errors are prefixed (e.g. `adminPassword` during clinic setup).
pub(crate) struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
}

/// A user that passed validation, with the password already hashed.
pub(crate) struct ValidUser {
    username: String,
    display_name: String,
    password_hash: String,
    role: Role,
}

impl NewUser {
    /// Checks the username, name and password rules; `prefix` names the form ("admin" → `adminUsername`).
    pub(crate) fn validated(self, prefix: &'static str) -> CoreResult<ValidUser> {
        let (f_user, f_name, f_pass) = match prefix {
            "admin" => ("adminUsername", "adminDisplayName", "adminPassword"),
            _ => ("username", "displayName", "password"),
        };
        let username = required(f_user, &self.username, 32)?.to_lowercase();
        if username.len() < 3
            || !username
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        {
            return Err(CoreError::invalid(
                f_user,
                "3 to 32 characters: letters, digits, dot, dash or underscore",
            ));
        }
        let display_name = required(f_name, &self.display_name, 80)?;
        let password = Zeroizing::new(self.password);
        check_password_rules(f_pass, &username, &password)?;
        Ok(ValidUser {
            username,
            display_name,
            password_hash: hash_password(&password)?,
            role: self.role,
        })
    }
}

/// The password rules: long enough, and not the username.
pub(crate) fn check_password_rules(
    field: &'static str,
    username: &str,
    password: &str,
) -> CoreResult<()> {
    if password.chars().count() < 10 {
        return Err(CoreError::invalid(field, "use at least 10 characters"));
    }
    if password.trim().eq_ignore_ascii_case(username.trim()) {
        return Err(CoreError::invalid(
            field,
            "the password must not be the username",
        ));
    }
    Ok(())
}

pub(crate) fn hash_password(password: &str) -> CoreResult<String> {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| CoreError::Conflict(format!("cannot salt the password: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Conflict(format!("cannot hash the password: {e}")))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

pub(crate) fn insert_user(tx: &mut WriteTx<'_>, user: &ValidUser) -> CoreResult<String> {
    let taken = tx.reader().count(
        "SELECT count(*) FROM users WHERE username = ?1",
        [&user.username],
    )?;
    if taken > 0 {
        return Err(CoreError::invalid("username", "this username is taken"));
    }
    let id = tx.insert(
        Table::Users,
        Fields::new()
            .set("username", user.username.as_str())
            .set("display_name", user.display_name.as_str())
            .set("role", user.role.as_str())
            .set("password_hash", user.password_hash.as_str()),
    )?;
    Ok(id.to_string())
}

impl Clinic {
    /// Checks a username and password. The error never says which of the two was wrong.
    pub fn sign_in(&self, username: &str, password: &str) -> CoreResult<SessionUser> {
        let username = username.trim().to_lowercase();
        let found = self.store.read(|r| {
            r.query_opt(
                "SELECT id, username, display_name, role, password_hash, active FROM users
                 WHERE username = ?1 AND archived_at IS NULL",
                [&username],
                |row| {
                    Ok((
                        SessionUserRow {
                            id: row.get(0)?,
                            username: row.get(1)?,
                            display_name: row.get(2)?,
                            role: row.get(3)?,
                        },
                        row.get::<_, String>(4)?,
                        row.get::<_, bool>(5)?,
                    ))
                },
            )
        })?;
        // Hash even for an unknown user so the time taken does not reveal whether the username exists.
        let (row, hash, active) = match found {
            Some(found) => found,
            None => {
                let _ = verify_password(
                    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$nothing",
                    password,
                );
                self.audit_sign_in(None, "sign_in_failed", &username)?;
                return Err(CoreError::InvalidCredentials);
            }
        };
        if !verify_password(&hash, password) || !active {
            self.audit_sign_in(Some(&row.id), "sign_in_failed", &username)?;
            return Err(CoreError::InvalidCredentials);
        }
        let role = Role::parse(&row.role)
            .ok_or_else(|| CoreError::Conflict(format!("unknown role {}", row.role)))?;
        self.audit_sign_in(Some(&row.id), "sign_in", &username)?;
        Ok(SessionUser {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            role,
        })
    }

    fn audit_sign_in(&self, user_id: Option<&str>, action: &str, username: &str) -> CoreResult<()> {
        self.store.write_at(self.now(), user_id, |tx| {
            tx.audit(AuditEvent {
                action: action.to_owned(),
                entity: "users".to_owned(),
                entity_id: user_id.map(str::to_owned),
                patient_id: None,
                details: Some(serde_json::json!({ "username": username })),
            })?;
            Ok::<_, CoreError>(())
        })
    }

    /// Adds a user (used by setup and the demo now; the administration screens come later).
    pub fn add_user(
        &self,
        by: &SessionUser,
        username: &str,
        display_name: &str,
        password: &str,
        role: Role,
    ) -> CoreResult<String> {
        let user = NewUser {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            password: password.to_owned(),
            role,
        }
        .validated("user")?;
        self.write(by, |tx| insert_user(tx, &user))
    }
}

struct SessionUserRow {
    id: String,
    username: String,
    display_name: String,
    role: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules() {
        assert!(check_password_rules("p", "maria", "short").is_err());
        assert!(check_password_rules("p", "administrator", "Administrator").is_err());
        assert!(check_password_rules("p", "maria", "a long enough passphrase").is_ok());
    }

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash_password("a long enough passphrase").unwrap();
        let b = hash_password("a long enough passphrase").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password(&a, "a long enough passphrase"));
        assert!(!verify_password(&a, "another passphrase"));
    }
}
