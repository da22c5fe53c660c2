//! The recovery sheet as a PDF file: its structure, read back with printpdf's own parser, and its
//! text as a PDF reader sees it, with poppler's `pdftotext` when it is installed.

use std::path::Path;
use std::process::Command;

use clinic_print::{Paper, RecoverySheet, recovery_sheet};
use printpdf::{PdfDocument, PdfParseOptions};

const KEY: &str = "K7Q2-9XHM-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-C4F7";

fn sample() -> RecoverySheet<'static> {
    RecoverySheet {
        clinic_name: "Clínica Núñez & Zoë Müller",
        recovery_key: KEY,
        data_dir: "/home/ana/.local/share/clinic",
        store_id: "01963f2a-7c1e-7b3a-9d41-2f6c8e0a5b17",
        device_name: "RECEPCIÓN-PC",
        created_at: "2025-03-14 09:26",
        created_by: "Ana Núñez",
        generated_at: "2025-03-14 09:27",
    }
}

/// Pages and their sizes in points, read back from the file.
fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let mut warnings = Vec::new();
    let doc = PdfDocument::parse(pdf, &PdfParseOptions::default(), &mut warnings)
        .expect("the PDF parses");
    doc.pages
        .iter()
        .map(|p| (p.media_box.width.0, p.media_box.height.0))
        .collect()
}

#[test]
fn renders_one_page_on_each_paper() {
    for (paper, (width, height)) in [
        (Paper::A4, (595.276, 841.89)),
        (Paper::Letter, (612.0, 792.0)),
    ] {
        let pdf = recovery_sheet(&sample(), paper).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let sizes = page_sizes(&pdf);
        assert_eq!(sizes.len(), 1, "{paper:?}");
        let (w, h) = sizes[0];
        assert!(
            (w - width).abs() < 0.01 && (h - height).abs() < 0.01,
            "{paper:?}: {w} x {h}"
        );
    }
}

#[test]
fn fonts_are_embedded_as_small_subsets() {
    let pdf = recovery_sheet(&sample(), Paper::A4).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    // Both faces are embedded (TrueType programs), each tagged as a subset.
    assert_eq!(text.matches("/FontFile2").count(), 2);
    assert!(text.contains("+DejaVuSans") && text.contains("+DejaVuSansMono"));
    // The whole fonts are 1.1 MB; the subsets keep the file small.
    assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
}

#[test]
fn long_folder_and_clinic_name_still_make_one_page() {
    let data_dir = format!(
        "/srv/{}/clinic-data",
        "Consultório Médico São João/".repeat(11)
    );
    assert!(data_dir.chars().count() >= 300);
    let clinic_name =
        "Clínica Pediátrica e Centro de Reabilitação Física Núñez & Zoë Müller ".repeat(3);
    assert!(clinic_name.trim().chars().count() >= 200);
    for paper in [Paper::A4, Paper::Letter] {
        let sheet = RecoverySheet {
            clinic_name: clinic_name.trim(),
            data_dir: &data_dir,
            ..sample()
        };
        let pdf = recovery_sheet(&sheet, paper).unwrap();
        assert_eq!(page_sizes(&pdf).len(), 1);
        if let Some(text) = pdftotext(&pdf, &["-raw"]) {
            // The folder is printed whole, over several lines.
            let joined: String = text.lines().collect();
            assert!(joined.contains(&data_dir), "{text}");
            assert!(joined.contains(KEY), "{text}");
        }
        if let Some(bbox) = pdftotext(&pdf, &["-bbox"]) {
            assert_words_inside_margins(&bbox, paper);
        }
    }
}

#[test]
fn a_reader_finds_the_name_key_folder_and_store_id() {
    for paper in [Paper::A4, Paper::Letter] {
        let pdf = recovery_sheet(&sample(), paper).unwrap();
        let Some(text) = pdftotext(&pdf, &["-raw"]) else {
            return;
        };
        let sheet = sample();
        for expected in [
            "Clinic — database recovery sheet",
            sheet.clinic_name,
            sheet.data_dir,
            sheet.store_id,
            sheet.device_name,
            sheet.created_at,
            sheet.created_by,
            // The name of the app's recovery screen, as the app shows it.
            "Open the clinic with its recovery key",
            "Page 1 of 1",
        ] {
            let flowing = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flowing.contains(expected), "{expected:?} not in:\n{text}");
        }
        // The key is printed over two lines, breaking after a hyphen: joined, it is exact.
        let joined: String = text.lines().map(str::trim).collect();
        assert!(joined.contains(KEY), "{text}");
    }
}

/// Every word `pdftotext -bbox` finds lies inside the sheet's margins (22 mm at the sides,
/// 20 mm at the top, 16 mm at the bottom; pdftotext measures from the top-left corner).
fn assert_words_inside_margins(bbox_html: &str, paper: Paper) {
    let (width, height) = match paper {
        Paper::A4 => (595.276, 841.89),
        Paper::Letter => (612.0, 792.0),
    };
    let mm = 72.0 / 25.4;
    let (left, right) = (22.0 * mm, width - 22.0 * mm);
    let (top, bottom) = (20.0 * mm, height - 16.0 * mm);
    let mut words = 0;
    for line in bbox_html
        .lines()
        .filter(|l| l.trim_start().starts_with("<word "))
    {
        let attr = |name: &str| -> f64 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + line[start..].find('"').unwrap();
            line[start..end].parse().unwrap()
        };
        let (x_min, y_min, x_max, y_max) = (attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"));
        assert!(
            x_min >= left - 0.5
                && x_max <= right + 0.5
                && y_min >= top - 0.5
                && y_max <= bottom + 0.5,
            "{paper:?}: word outside the margins: {line}"
        );
        words += 1;
    }
    assert!(words > 100, "only {words} words found");
}

/// The text of `pdf` as poppler's `pdftotext` extracts it, or `None` (with a note) when the tool
/// is not installed.
///
/// The checks read the text with `-raw` (in the order it was drawn): pdftotext's default reading
/// mode "dehyphenates", joining a line that ends in `-` to the next without the hyphen, which
/// would turn the key's `JKMN-` / `PQRS` line break into `JKMNPQRS` even though the file holds
/// the key intact.
fn pdftotext(pdf: &[u8], options: &[&str]) -> Option<String> {
    let available = Command::new("pdftotext").arg("-v").output().is_ok();
    if !available {
        eprintln!("note: pdftotext (poppler-utils) is not installed; skipping the text check");
        return None;
    }
    let dir = tempdir();
    let input = dir.join("sheet.pdf");
    std::fs::write(&input, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(options)
        .args(["-enc", "UTF-8"])
        .arg(&input)
        .arg("-")
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

/// A fresh directory for one test's files.
fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "clinic-print-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    assert!(Path::new(&dir).is_dir());
    dir
}
