//! Users, roles, passwords, signing in, and what each role may do ([`permissions`]).

pub mod changes;
mod passwords;
pub mod permissions;
mod session;

pub use session::Session;

use chrono::Duration;
use clinic_store::{AuditEvent, Fields, Table, WriteTx, format_instant};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::scheduling::parse_id;
use crate::time::parse_instant;
use crate::validate::required;
use crate::{Clinic, CoreError, CoreResult, message};
use permissions::Action;

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

/// The signed-in user, as the app and CLI hold it for the length of a session. Only [`Clinic::sign_in`]
/// makes one; every operation checks it against the user's current role and state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Set by an administrator's password reset: nothing else is allowed until the password is changed.
    pub must_change_password: bool,
}

/// A user as the administration screen lists them.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    /// When the account is locked after failed sign-ins, until when.
    pub locked_until: Option<String>,
}

/// A user to create.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
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
            return Err(CoreError::invalid(f_user, message!("username_format")));
        }
        let display_name = required(f_name, &self.display_name, 80)?;
        let password = Zeroizing::new(self.password);
        passwords::check_rules(f_pass, &username, &password)?;
        Ok(ValidUser {
            username,
            display_name,
            password_hash: passwords::hash(&password)?,
            role: self.role,
        })
    }
}

/// Writes a new user; `must_change_password` when someone else chose the password.
pub(crate) fn insert_user(
    tx: &mut WriteTx<'_>,
    user: &ValidUser,
    must_change_password: bool,
) -> CoreResult<Uuid> {
    let taken = tx.reader().count(
        "SELECT count(*) FROM users WHERE username = ?1",
        [&user.username],
    )?;
    if taken > 0 {
        return Err(CoreError::invalid("username", message!("username_taken")));
    }
    Ok(tx.insert(
        Table::Users,
        Fields::new()
            .set("username", user.username.as_str())
            .set("display_name", user.display_name.as_str())
            .set("role", user.role.as_str())
            .set("password_hash", user.password_hash.as_str())
            .set("must_change_password", must_change_password),
    )?)
}

/// What sign-in reads about a user.
struct Account {
    user: SessionUser,
    hash: String,
    active: bool,
    failed_attempts: i64,
    locked_until: Option<String>,
}

const USER_COLUMNS: &str =
    "id, username, display_name, role, active, must_change_password, locked_until";

fn summary(row: &clinic_store::Row<'_>) -> clinic_store::RowResult<UserSummary> {
    Ok(UserSummary {
        id: row.get(0)?,
        username: row.get(1)?,
        display_name: row.get(2)?,
        role: Role::parse(&row.get::<_, String>(3)?).unwrap_or(Role::Receptionist),
        active: row.get(4)?,
        must_change_password: row.get(5)?,
        locked_until: row.get(6)?,
    })
}

impl Clinic {
    /// Checks a username and password. Failures never say whether the username exists; after the
    /// clinic's threshold of failures in a row the account is locked for the clinic's lockout time.
    pub fn sign_in(&self, username: &str, password: &str) -> CoreResult<SessionUser> {
        let username = username.trim().to_lowercase();
        let access = self.system(None);
        if access.store().sync_state()?.joining {
            return Err(CoreError::Conflict(message!("join_unfinished")));
        }
        let security = self.read_security_settings()?;
        let (threshold, lock_minutes) = (
            i64::from(security.lockout_threshold),
            i64::from(security.lockout_minutes),
        );
        let found = access.read(|r| {
            Ok(r.query_opt(
                "SELECT id, username, display_name, role, password_hash, active, must_change_password,
                        failed_attempts, locked_until
                 FROM users WHERE username = ?1 AND archived_at IS NULL",
                [&username],
                |row| {
                    Ok(Account {
                        user: SessionUser {
                            id: row.get(0)?,
                            username: row.get(1)?,
                            display_name: row.get(2)?,
                            role: Role::parse(&row.get::<_, String>(3)?).unwrap_or(Role::Receptionist),
                            must_change_password: row.get(6)?,
                        },
                        hash: row.get(4)?,
                        active: row.get(5)?,
                        failed_attempts: row.get(7)?,
                        locked_until: row.get(8)?,
                    })
                },
            )?)
        })?;
        let now = self.now();
        let Some(account) = found else {
            let _ = passwords::verify(passwords::DECOY_HASH, password);
            audit_sign_in(&access, None, "sign_in_failed", &username)?;
            return Err(CoreError::InvalidCredentials);
        };
        let id = parse_id("userId", &account.user.id)?;
        // What happens to a known account is recorded as that account's.
        let access = self.system(Some(account.user.id.clone()));
        if account
            .locked_until
            .as_deref()
            .and_then(parse_instant)
            .is_some_and(|until| until > now)
        {
            let _ = passwords::verify(passwords::DECOY_HASH, password);
            audit_sign_in(&access, Some(&account.user.id), "sign_in_locked", &username)?;
            return Err(CoreError::InvalidCredentials);
        }
        // Verified for a deactivated account too: every path does the same work, so the time taken
        // does not tell a deactivated account from an active one.
        let password_matches = passwords::verify(&account.hash, password);
        if !account.active || !password_matches {
            let failures = account.failed_attempts + 1;
            let lock = failures >= threshold;
            access.record(|tx| {
                let fields = if lock {
                    Fields::new().set("failed_attempts", 0).set(
                        "locked_until",
                        format_instant(now + Duration::minutes(lock_minutes)),
                    )
                } else {
                    Fields::new().set("failed_attempts", failures)
                };
                tx.update(Table::Users, id, fields)?;
                tx.audit(sign_in_event(
                    Some(&account.user.id),
                    if lock {
                        "account_locked"
                    } else {
                        "sign_in_failed"
                    },
                    &username,
                ))?;
                Ok(())
            })?;
            return Err(CoreError::InvalidCredentials);
        }
        access.record(|tx| {
            tx.update(
                Table::Users,
                id,
                Fields::new()
                    .set("failed_attempts", 0)
                    .set("locked_until", None::<String>),
            )?;
            tx.audit(sign_in_event(Some(&account.user.id), "sign_in", &username))?;
            Ok(())
        })?;
        Ok(account.user)
    }

    /// Every user of the clinic, active ones first.
    pub fn list_users(&self, by: &SessionUser) -> CoreResult<Vec<UserSummary>> {
        self.authorize(by, Action::ManageUsers)?.read(|r| {
            Ok(r.query_all(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE archived_at IS NULL ORDER BY active DESC, display_name"),
                [],
                summary,
            )?)
        })
    }

    /// Adds a user with a first password chosen by the administrator, to be changed at first sign-in.
    pub fn add_user(&self, by: &SessionUser, new: NewUser) -> CoreResult<UserSummary> {
        let access = self.authorize(by, Action::ManageUsers)?;
        let user = new.validated("user")?;
        access.write(|tx| {
            let id = insert_user(tx, &user, true)?;
            Ok(tx.reader().query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [id.to_string()],
                summary,
            )?)
        })
    }

    /// Gives a user another role. The last active administrator keeps theirs.
    pub fn set_user_role(&self, by: &SessionUser, user_id: &str, role: Role) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageUsers)?;
        let id = parse_id("userId", user_id)?;
        access.write(|tx| {
            if role != Role::Admin {
                refuse_last_admin(tx, id)?;
            }
            tx.update(Table::Users, id, Fields::new().set("role", role.as_str()))?;
            Ok(())
        })
    }

    /// Deactivates (or reactivates) a user. The last active administrator cannot be deactivated.
    pub fn set_user_active(&self, by: &SessionUser, user_id: &str, active: bool) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageUsers)?;
        let id = parse_id("userId", user_id)?;
        access.write(|tx| {
            if !active {
                refuse_last_admin(tx, id)?;
            }
            tx.update(Table::Users, id, Fields::new().set("active", active))?;
            Ok(())
        })
    }

    /// Sets a new password for a user, who must change it at the next sign-in; also lifts a lockout.
    pub fn reset_password(
        &self,
        by: &SessionUser,
        user_id: &str,
        new_password: &str,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageUsers)?;
        let id = parse_id("userId", user_id)?;
        let username: String = access
            .read(|r| {
                Ok(r.query_opt(
                    "SELECT username FROM users WHERE id = ?1",
                    [id.to_string()],
                    |row| row.get(0),
                )?)
            })?
            .ok_or_else(|| CoreError::NotFound(message!("user_not_found")))?;
        passwords::check_rules("newPassword", &username, new_password)?;
        let hash = passwords::hash(new_password)?;
        access.write(|tx| {
            tx.update(
                Table::Users,
                id,
                Fields::new()
                    .set("password_hash", hash.as_str())
                    .set("must_change_password", true)
                    .set("failed_attempts", 0)
                    .set("locked_until", None::<String>),
            )?;
            Ok(())
        })
    }

    /// Any user changes their own password, proving they know the current one.
    pub fn change_password(
        &self,
        by: &SessionUser,
        current: &str,
        new_password: &str,
    ) -> CoreResult<SessionUser> {
        let access = self.authenticate(by)?;
        let id = parse_id("userId", &by.id)?;
        let hash: String = access.read(|r| {
            Ok(r.query_row(
                "SELECT password_hash FROM users WHERE id = ?1",
                [id.to_string()],
                |row| row.get(0),
            )?)
        })?;
        if !passwords::verify(&hash, current) {
            return Err(CoreError::invalid(
                "currentPassword",
                message!("wrong_current_password"),
            ));
        }
        if current == new_password {
            return Err(CoreError::invalid("newPassword", message!("same_password")));
        }
        passwords::check_rules("newPassword", &by.username, new_password)?;
        let new_hash = passwords::hash(new_password)?;
        access.write(|tx| {
            tx.update(
                Table::Users,
                id,
                Fields::new()
                    .set("password_hash", new_hash.as_str())
                    .set("must_change_password", false),
            )?;
            Ok(())
        })?;
        Ok(SessionUser {
            must_change_password: false,
            ..by.clone()
        })
    }
}

/// Refuses a change that would leave the clinic without an active administrator.
fn refuse_last_admin(tx: &WriteTx<'_>, user: Uuid) -> CoreResult<()> {
    let other_admins = tx.reader().count(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND archived_at IS NULL AND id <> ?1",
        [user.to_string()],
    )?;
    let is_admin = tx.reader().count(
        "SELECT count(*) FROM users WHERE id = ?1 AND role = 'admin' AND active = 1",
        [user.to_string()],
    )? > 0;
    if is_admin && other_admins == 0 {
        return Err(CoreError::Conflict(message!("last_admin")));
    }
    Ok(())
}

fn sign_in_event(user_id: Option<&str>, action: &str, username: &str) -> AuditEvent {
    AuditEvent {
        action: action.to_owned(),
        entity: "users".to_owned(),
        entity_id: user_id.map(str::to_owned),
        patient_id: None,
        details: Some(serde_json::json!({ "username": username })),
    }
}

fn audit_sign_in(
    access: &crate::clinic::Access<'_>,
    user_id: Option<&str>,
    action: &str,
    username: &str,
) -> CoreResult<()> {
    access.audit(sign_in_event(user_id, action, username))
}

/// The demo's users are created with passwords everyone knows, without a forced change.
pub(crate) fn demo_user(
    clinic: &Clinic,
    by: &SessionUser,
    new: NewUser,
) -> CoreResult<SessionUser> {
    let access = clinic.authorize(by, Action::ManageUsers)?;
    let user = new.validated("user")?;
    let id = access.write(|tx| insert_user(tx, &user, false))?;
    Ok(SessionUser {
        id: id.to_string(),
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        must_change_password: false,
    })
}

#[cfg(test)]
mod tests {
    use super::passwords::VERIFIED;
    use crate::clinic::test_clinic;
    use crate::{NewUser, Role};

    /// Unknown, deactivated, locked or active with a wrong password: each sign-in verifies exactly one
    /// password, so none answers faster than another.
    #[test]
    fn every_sign_in_path_verifies_one_password() {
        let dir = tempfile::tempdir().unwrap();
        let (clinic, admin) = test_clinic(dir.path());
        let gone = clinic
            .add_user(
                &admin,
                NewUser {
                    username: "gone".into(),
                    display_name: "Gone".into(),
                    password: "staff passphrase 2026".into(),
                    role: Role::Nurse,
                },
            )
            .unwrap();
        clinic.set_user_active(&admin, &gone.id, false).unwrap();
        let work = |username: &str, password: &str| {
            let before = VERIFIED.with(std::cell::Cell::get);
            assert!(clinic.sign_in(username, password).is_err());
            VERIFIED.with(std::cell::Cell::get) - before
        };
        assert_eq!(work("nobody", "staff passphrase 2026"), 1, "unknown");
        assert_eq!(work("gone", "staff passphrase 2026"), 1, "deactivated");
        assert_eq!(work("admin", "a wrong passphrase"), 1, "wrong password");
    }
}
