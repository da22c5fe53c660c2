//! What the core's integration tests share: a clinic set up in a temporary folder, its key and clock.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;

use chrono::{DateTime, Utc};
use clinic_core::{Clinic, KeyOptions, NewClinic};

/// The password of `root`, the administrator of every test clinic.
pub const ADMIN_PASSWORD: &str = "admin passphrase 2026";

pub fn key() -> KeyOptions {
    KeyOptions::passphrase("correct horse battery staple")
}

/// A new clinic in `dir`, in UTC, administered by `root`.
pub fn clinic(dir: &Path, name: &str) -> Clinic {
    let new = NewClinic {
        clinic_name: name.into(),
        time_zone: "UTC".into(),
        country: None,
        currency: "USD".into(),
        admin_username: "root".into(),
        admin_display_name: "Root".into(),
        admin_password: ADMIN_PASSWORD.into(),
    };
    Clinic::create(dir, &key(), new).unwrap().0
}

/// A clinic clock reading, for `Clinic::set_clock`.
pub fn at(text: &str) -> Option<DateTime<Utc>> {
    Some(text.parse().unwrap())
}

/// A clinic in Madrid (phones without a country code are Spanish), administered by `root` (signed
/// in), its clock at `now`.
pub fn madrid_clinic(dir: &Path, name: &str, now: &str) -> (Clinic, clinic_core::SessionUser) {
    let new = NewClinic {
        clinic_name: name.into(),
        time_zone: "Europe/Madrid".into(),
        country: Some("ES".into()),
        currency: "EUR".into(),
        admin_username: "root".into(),
        admin_display_name: "Root".into(),
        admin_password: ADMIN_PASSWORD.into(),
    };
    let (c, _) = Clinic::create(dir, &key(), new).unwrap();
    c.set_clock(at(now));
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    (c, admin)
}
