//! What the benchmarks share: an empty clinic in Madrid administered by `root`, and timing with p50/p95.
// Each benchmark uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::time::Instant;

use clinic_core::{Clinic, KeyOptions, NewClinic};

pub const PASSWORD: &str = "benchmark passphrase 2026";

pub fn key() -> KeyOptions {
    KeyOptions::passphrase("benchmark database passphrase")
}

/// A new clinic in `dir`, in Madrid and in euros, administered by `root` (`PASSWORD`).
pub fn create_clinic(dir: &Path) -> Clinic {
    let new = NewClinic {
        clinic_name: "Bench".into(),
        time_zone: "Europe/Madrid".into(),
        country: Some("ES".into()),
        currency: "EUR".into(),
        admin_username: "root".into(),
        admin_display_name: "Root".into(),
        admin_password: PASSWORD.into(),
    };
    Clinic::create(dir, &key(), new).unwrap().0
}

/// Whether this is `cargo bench` (`cargo test --benches` runs benchmarks too; they measure only here).
pub fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

pub fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

pub fn report(what: &str, mut times: Vec<f64>) {
    println!(
        "  {what:<52} p50 {:>7.2} ms   p95 {:>7.2} ms",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.95)
    );
}

/// Milliseconds each of `runs` calls of `f` took.
pub fn timed(runs: usize, mut f: impl FnMut(usize)) -> Vec<f64> {
    (0..runs)
        .map(|i| {
            let start = Instant::now();
            f(i);
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}
