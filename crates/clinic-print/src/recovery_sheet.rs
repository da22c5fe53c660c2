//! The database recovery sheet: the one page that holds the recovery key of a clinic's encrypted
//! database, printed when the clinic is set up and kept in its safe.

use crate::PrintError;
use crate::fonts::Fonts;
use crate::layout::{
    Align, BBox, Breaks, Elide, Flow, MM, Margins, Page, Paper, Style, finish, ink, wrap,
    wrap_at_most,
};

const TITLE: &str = "Clinic — database recovery sheet";
const DOCUMENT: &str = "recovery sheet";

/// What the recovery sheet shows. Every field is printed as given; dates arrive formatted in the
/// clinic's time zone and language.
#[derive(Debug, Clone, Copy)]
pub struct RecoverySheet<'a> {
    /// The clinic's name, as in its settings.
    pub clinic_name: &'a str,
    /// The recovery key, e.g. `K7Q2-9XHM-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-C4F7`. Printed large and
    /// exactly as given, in one or two lines that break after a `-`, between groups.
    pub recovery_key: &'a str,
    /// The folder that holds the clinic's data files.
    pub data_dir: &'a str,
    /// The id of the store (the database) the key opens.
    pub store_id: &'a str,
    /// The name of the computer the key was made on.
    pub device_name: &'a str,
    /// When the key was made, a local date and time.
    pub created_at: &'a str,
    /// The display name of the user who made the key.
    pub created_by: &'a str,
    /// When this PDF is made, a local date and time, for the footer.
    pub generated_at: &'a str,
}

/// Renders the recovery sheet as a one-page PDF on `paper` and returns the file's bytes.
///
/// Long values wrap, and names too long for their space are cut with an ellipsis; the recovery
/// key is never cut. Fails with [`PrintError::DoesNotFit`] only for a recovery key too long for
/// a page (hundreds of characters).
pub fn recovery_sheet(sheet: &RecoverySheet<'_>, paper: Paper) -> Result<Vec<u8>, PrintError> {
    let fonts = Fonts::load()?;
    let page = draw(sheet, paper, &fonts)?;
    finish(DOCUMENT, TITLE, vec![page], &fonts)
}

/// Margins of the sheet: generous, and wider than any printer's unprintable border.
const MARGINS: Margins = Margins {
    top: 20.0 * MM,
    right: 22.0 * MM,
    bottom: 16.0 * MM,
    left: 22.0 * MM,
};

/// Space kept free above the bottom margin for the footer.
const FOOTER_SPACE: f32 = 30.0;

/// The largest-first sizes tried for the recovery key, in points.
const KEY_SIZES: [f32; 9] = [28.0, 26.0, 24.0, 22.0, 20.0, 18.0, 16.0, 14.0, 12.0];

/// How much room the sheet gives long values, and how loosely it is spaced.
#[derive(Debug, Clone, Copy)]
struct Density {
    /// Scales every gap and padding.
    spacing: f32,
    /// Lines for the clinic's name.
    name_lines: usize,
    /// Lines for the data folder.
    folder_lines: usize,
    /// Lines for each of the other facts.
    fact_lines: usize,
}

/// The densities tried, loosest first, until the content fits: ordinary values get the first,
/// a long folder and name on Letter paper a tighter spacing; only absurdly long values (names
/// of hundreds of characters) get cut to fewer lines, the data folder last.
const DENSITIES: [Density; 10] = {
    const fn d(spacing: f32, name_lines: usize, folder_lines: usize, fact_lines: usize) -> Density {
        Density {
            spacing,
            name_lines,
            folder_lines,
            fact_lines,
        }
    }
    [
        d(1.0, 3, 6, 2),
        d(0.9, 3, 6, 2),
        d(0.8, 3, 6, 2),
        d(0.7, 3, 6, 2),
        d(0.6, 3, 6, 2),
        d(0.5, 3, 6, 2),
        d(0.5, 3, 6, 1),
        d(0.5, 2, 6, 1),
        d(0.4, 2, 5, 1),
        d(0.4, 2, 4, 1),
    ]
};

fn draw(sheet: &RecoverySheet<'_>, paper: Paper, fonts: &Fonts) -> Result<Page, PrintError> {
    let mut result = Err(PrintError::DoesNotFit(DOCUMENT));
    for density in DENSITIES {
        result = draw_at(sheet, paper, fonts, density);
        if !matches!(result, Err(PrintError::DoesNotFit(_))) {
            break;
        }
    }
    result
}

fn draw_at(
    sheet: &RecoverySheet<'_>,
    paper: Paper,
    fonts: &Fonts,
    density: Density,
) -> Result<Page, PrintError> {
    let mut page = Page::new(paper, MARGINS);
    let area = page.content();
    let (left, right) = (area.left, area.right);
    let width = right - left;
    let mut flow = Flow::new(
        area.top,
        area.bottom + FOOTER_SPACE,
        density.spacing,
        DOCUMENT,
    );

    let style = |face, size: f32, leading: f32, color| Style {
        face,
        size,
        leading,
        color,
    };
    let kicker = style(&fonts.sans, 8.5, 11.0, ink::WARNING);
    let title = style(&fonts.sans, 21.0, 26.0, ink::TEXT);
    let clinic = style(&fonts.sans, 14.0, 18.0, ink::ACCENT);
    let section = style(&fonts.sans, 8.5, 11.0, ink::ACCENT);
    let body = style(&fonts.sans, 10.5, 15.0, ink::TEXT);
    let note = style(&fonts.sans, 9.0, 12.0, ink::MUTED);
    let label = style(&fonts.sans, 9.5, 12.5, ink::MUTED);
    let value = style(&fonts.sans, 10.5, 14.0, ink::TEXT);
    let code = style(&fonts.mono, 10.0, 14.0, ink::TEXT);
    let footer = style(&fonts.sans, 8.0, 10.0, ink::MUTED);

    // Heading: a warning line, the title and the clinic's name.
    let lines = [String::from(
        "CONFIDENTIAL  ·  KEEP THIS SHEET IN A SAFE PLACE",
    )];
    let top = flow.claim(kicker.block_height(1))?;
    page.lines(&kicker, left, right, top, &lines, Align::Left);
    flow.skip(8.0);
    let lines = wrap_at_most(&title, TITLE, width, Breaks::Words, 2, Elide::End);
    let top = flow.claim(title.block_height(lines.len()))?;
    page.lines(&title, left, right, top, &lines, Align::Left);
    flow.skip(6.0);
    let lines = wrap_at_most(
        &clinic,
        or_dash(sheet.clinic_name),
        width,
        Breaks::Words,
        density.name_lines,
        Elide::End,
    );
    let top = flow.claim(clinic.block_height(lines.len()))?;
    page.lines(&clinic, left, right, top, &lines, Align::Left);
    flow.skip(12.0);
    let y = flow.claim(1.2)?;
    page.rule(left, right, y - 0.6, 1.2, ink::ACCENT);
    flow.skip(18.0);

    // The key, large, in a tinted panel.
    section_heading(&mut page, &mut flow, &section, left, right, "RECOVERY KEY")?;
    let padding = (flow.space(16.0), 18.0);
    let (key, key_lines) = key_lines(sheet.recovery_key, fonts, width - 2.0 * padding.1);
    let key_style = style(&fonts.mono, key, key * 1.4, ink::TEXT);
    let panel_height = key_style.block_height(key_lines.len()) + 2.0 * padding.0;
    let top = flow.claim(panel_height)?;
    page.panel(
        BBox {
            left,
            bottom: top - panel_height,
            right,
            top,
        },
        ink::TINT,
        Some((ink::RULE, 0.8)),
    );
    // Centred as a block, the lines aligned on the left so the groups stack in columns.
    let block = key_lines
        .iter()
        .map(|line| key_style.width(line))
        .fold(0.0, f32::max);
    let key_left = left + (width - block) / 2.0;
    page.lines(
        &key_style,
        key_left,
        right,
        top - padding.0,
        &key_lines,
        Align::Left,
    );
    flow.skip(6.0);
    let lines = wrap(
        &note,
        "Read it aloud or type it group by group, exactly as printed.",
        width,
        Breaks::Words,
    );
    let top = flow.claim(note.block_height(lines.len()))?;
    page.lines(&note, left, right, top, &lines, Align::Left);
    flow.skip(20.0);

    // The facts that say which database the key opens.
    section_heading(&mut page, &mut flow, &section, left, right, "WHAT IT OPENS")?;
    let facts: [(&str, &str, &Style<'_>, Breaks, usize, Elide); 5] = [
        (
            "Data folder",
            sheet.data_dir,
            &code,
            Breaks::Exact,
            density.folder_lines,
            Elide::Middle,
        ),
        (
            "Store ID",
            sheet.store_id,
            &code,
            Breaks::Exact,
            density.fact_lines,
            Elide::Middle,
        ),
        (
            "Computer",
            sheet.device_name,
            &value,
            Breaks::Words,
            density.fact_lines,
            Elide::End,
        ),
        (
            "Key created",
            sheet.created_at,
            &value,
            Breaks::Words,
            density.fact_lines,
            Elide::End,
        ),
        (
            "Created by",
            sheet.created_by,
            &value,
            Breaks::Words,
            density.fact_lines,
            Elide::End,
        ),
    ];
    let label_width = 96.0;
    let row_padding = flow.space(6.5);
    let y = flow.claim(0.5)?;
    page.rule(left, right, y - 0.25, 0.5, ink::RULE);
    for (name, text, style, breaks, max_lines, elide) in facts {
        let value_left = left + label_width;
        let lines = wrap_at_most(
            style,
            or_dash(text),
            right - value_left,
            breaks,
            max_lines,
            elide,
        );
        let ascent = style
            .face
            .ascent(style.size)
            .max(label.face.ascent(label.size));
        let height = style.block_height(lines.len()) - style.face.ascent(style.size) + ascent;
        let top = flow.claim(height + 2.0 * row_padding + 0.5)?;
        let baseline = top - row_padding - ascent;
        page.text(&label, left, value_left, baseline, name, Align::Left);
        for (i, line) in lines.iter().enumerate() {
            let line_baseline = baseline - i as f32 * style.leading;
            page.text(style, value_left, right, line_baseline, line, Align::Left);
        }
        let rule_y = top - height - 2.0 * row_padding - 0.25;
        page.rule(left, right, rule_y, 0.5, ink::RULE);
    }
    flow.skip(20.0);

    // Plain-language instructions.
    section_heading(&mut page, &mut flow, &section, left, right, "KEEP IT SAFE")?;
    for text in [
        "Keep this sheet in the clinic’s safe or another locked place. It opens the clinic’s data.",
        "Anyone who holds this sheet together with the data files can read the patient records. \
         Do not photograph, scan or e-mail it.",
        "Delete the PDF file as soon as the sheet is printed, and empty the trash (recycle bin).",
    ] {
        bullet(&mut page, &mut flow, &body, left, right, text)?;
    }
    flow.skip(10.0);
    section_heading(&mut page, &mut flow, &section, left, right, "HOW TO USE IT")?;
    bullet(
        &mut page,
        &mut flow,
        &body,
        left,
        right,
        "If this computer loses its key to the data (a new user account, a reinstalled system), \
         Clinic opens on the \u{201c}Open the clinic with its recovery key\u{201d} screen. Type the key there.",
    )?;
    bullet(
        &mut page,
        &mut flow,
        &body,
        left,
        right,
        "Or, on the command line, run this and enter the key:",
    )?;
    command(
        &mut page,
        &mut flow,
        &code,
        &note,
        left + BULLET_INDENT,
        right,
        sheet.data_dir,
    )?;
    for text in [
        "Backups made on this computer can also be restored with this key on a new computer.",
        "If a new recovery key is made, this sheet stops working for new backups: \
         destroy it and keep the new sheet instead.",
    ] {
        bullet(&mut page, &mut flow, &body, left, right, text)?;
    }

    // Footer, on the bottom margin.
    let baseline = area.bottom + footer.face.descent(footer.size);
    let rule_y = baseline + footer.face.ascent(footer.size) + 6.0;
    page.rule(left, right, rule_y, 0.5, ink::RULE);
    let generated = format!("Generated {}", or_dash(sheet.generated_at));
    let generated = wrap_at_most(
        &footer,
        &generated,
        width * 0.7,
        Breaks::Words,
        1,
        Elide::End,
    );
    for line in &generated {
        page.text(&footer, left, right, baseline, line, Align::Left);
    }
    page.text(&footer, left, right, baseline, "Page 1 of 1", Align::Right);

    Ok(page)
}

/// An em dash for a value that is missing, so a row never looks forgotten.
fn or_dash(text: &str) -> &str {
    if text.trim().is_empty() { "—" } else { text }
}

fn section_heading(
    page: &mut Page,
    flow: &mut Flow,
    style: &Style<'_>,
    left: f32,
    right: f32,
    text: &str,
) -> Result<(), PrintError> {
    let top = flow.claim(style.block_height(1))?;
    page.lines(style, left, right, top, &[text.to_owned()], Align::Left);
    flow.skip(7.0);
    Ok(())
}

const BULLET_INDENT: f32 = 13.0;

fn bullet(
    page: &mut Page,
    flow: &mut Flow,
    style: &Style<'_>,
    left: f32,
    right: f32,
    text: &str,
) -> Result<(), PrintError> {
    let lines = wrap(style, text, right - left - BULLET_INDENT, Breaks::Words);
    let top = flow.claim(style.block_height(lines.len()))?;
    page.lines(
        style,
        left,
        left + BULLET_INDENT,
        top,
        &["•".to_owned()],
        Align::Left,
    );
    page.lines(style, left + BULLET_INDENT, right, top, &lines, Align::Left);
    flow.skip(style.leading - style.size);
    Ok(())
}

/// The recovery command, with the real data folder when it fits on one line.
fn command(
    page: &mut Page,
    flow: &mut Flow,
    code: &Style<'_>,
    note: &Style<'_>,
    left: f32,
    right: f32,
    data_dir: &str,
) -> Result<(), PrintError> {
    let padding = (flow.space(5.0), 8.0);
    let literal = format!("clinic --data-dir \"{data_dir}\" recover");
    let fits = !data_dir.trim().is_empty()
        && !data_dir.contains('"')
        && code.width(&literal) <= right - left - 2.0 * padding.1;
    let text = if fits {
        literal
    } else {
        "clinic --data-dir \"<data folder>\" recover".to_owned()
    };
    let lines = wrap(code, &text, right - left - 2.0 * padding.1, Breaks::Words);
    let height = code.block_height(lines.len()) + 2.0 * padding.0;
    flow.skip(2.0);
    let top = flow.claim(height)?;
    page.panel(
        BBox {
            left,
            bottom: top - height,
            right,
            top,
        },
        crate::layout::ink::TINT,
        None,
    );
    page.lines(
        code,
        left + padding.1,
        right,
        top - padding.0,
        &lines,
        Align::Left,
    );
    if !fits {
        flow.skip(4.0);
        let lines = wrap(
            note,
            "where <data folder> is the data folder shown above.",
            right - left,
            Breaks::Words,
        );
        let top = flow.claim(note.block_height(lines.len()))?;
        page.lines(note, left, right, top, &lines, Align::Left);
    }
    flow.skip(6.0);
    Ok(())
}

/// The size and lines of the recovery key: as large as possible in one or two lines no wider
/// than `width`, breaking only after a `-` and spreading the groups evenly over the lines. A key
/// that does not fit that way (no groups, or huge ones) is wrapped at the smallest size,
/// preferably after a `-`. The lines joined give back the key exactly.
fn key_lines(key: &str, fonts: &Fonts, width: f32) -> (f32, Vec<String>) {
    let key = key.trim();
    let groups: Vec<&str> = key.split_inclusive('-').collect();
    for size in KEY_SIZES {
        let style = Style {
            face: &fonts.mono,
            size,
            leading: size,
            color: ink::TEXT,
        };
        for count in 1..=2.min(groups.len()) {
            let per_line = groups.len().div_ceil(count);
            let lines: Vec<String> = groups.chunks(per_line).map(|c| c.concat()).collect();
            if lines.iter().all(|line| style.width(line) <= width) {
                return (size, lines);
            }
        }
    }
    let size = KEY_SIZES[KEY_SIZES.len() - 1];
    let style = Style {
        face: &fonts.mono,
        size,
        leading: size,
        color: ink::TEXT,
    };
    (size, wrap(&style, key, width, Breaks::Exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RecoverySheet<'static> {
        RecoverySheet {
            clinic_name: "Clínica Núñez & Zoë Müller",
            recovery_key: "K7Q2-9XHM-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-C4F7",
            data_dir: "/home/ana/.local/share/clinic",
            store_id: "01963f2a-7c1e-7b3a-9d41-2f6c8e0a5b17",
            device_name: "RECEPTION-PC",
            created_at: "2025-03-14 09:26",
            created_by: "Ana Núñez",
            generated_at: "2025-03-14 09:27",
        }
    }

    #[test]
    fn key_is_split_evenly_at_hyphens_and_kept_exact() {
        let fonts = Fonts::load().unwrap();
        let key = sample().recovery_key;
        // The panel on A4 is 434 points wide inside: two lines at the largest size.
        let (size, lines) = key_lines(key, &fonts, 434.0);
        assert_eq!(size, KEY_SIZES[0]);
        assert_eq!(lines, ["K7Q2-9XHM-ABCD-EFGH-JKMN-", "PQRS-TVWX-YZ01-C4F7"]);
        assert_eq!(lines.concat(), key);
        // Narrower: still two even lines, a size smaller.
        let (size, lines) = key_lines(key, &fonts, 400.0);
        assert!(size < KEY_SIZES[0]);
        assert_eq!(lines.len(), 2);
        // Short enough: one line.
        let (_, lines) = key_lines("K7Q2-9XHM-ABCD", &fonts, 434.0);
        assert_eq!(lines, ["K7Q2-9XHM-ABCD"]);
        // A key with no groups still wraps without losing a character.
        let long = "X".repeat(150);
        let (_, lines) = key_lines(&long, &fonts, 400.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
    }

    /// Everything drawn on the page lies inside the margins.
    fn assert_inside_margins(page: &Page) {
        let area = page.content();
        for drawn in page.drawn() {
            assert!(
                area.contains(&drawn.bbox),
                "{:?} at {:?} is outside {area:?}",
                drawn.text,
                drawn.bbox
            );
        }
    }

    fn texts(page: &Page) -> Vec<&str> {
        page.drawn()
            .iter()
            .filter_map(|d| d.text.as_deref())
            .collect()
    }

    #[test]
    fn sample_stays_inside_the_margins_on_both_papers() {
        let fonts = Fonts::load().unwrap();
        for paper in [Paper::A4, Paper::Letter] {
            // Ordinary values get the normal spacing, not a squeezed one.
            let page = draw_at(&sample(), paper, &fonts, DENSITIES[0]).unwrap();
            assert_inside_margins(&page);
            let texts = texts(&page);
            assert!(texts.contains(&"Clínica Núñez & Zoë Müller"));
            assert!(texts.contains(&"/home/ana/.local/share/clinic"));
            assert!(texts.contains(&"clinic --data-dir \"/home/ana/.local/share/clinic\" recover"));
            assert!(texts.contains(&"Page 1 of 1"));
        }
    }

    #[test]
    fn long_values_wrap_or_shorten_inside_the_margins() {
        let fonts = Fonts::load().unwrap();
        let data_dir = format!(
            "/srv/{}/clinic-data",
            "Consultório Médico São João/".repeat(11)
        );
        assert!(data_dir.chars().count() >= 300);
        let clinic_name =
            "Clínica Pediátrica e Centro de Reabilitação Física Núñez & Zoë Müller ".repeat(3);
        let clinic_name = clinic_name.trim();
        assert!(clinic_name.chars().count() >= 200);
        let long_word = "W".repeat(120);
        for paper in [Paper::A4, Paper::Letter] {
            let sheet = RecoverySheet {
                clinic_name,
                data_dir: &data_dir,
                device_name: &long_word,
                created_by: &long_word,
                ..sample()
            };
            let page = draw(&sheet, paper, &fonts).unwrap();
            assert_inside_margins(&page);
            // The 300-character folder is printed whole, over several lines.
            let texts = texts(&page);
            let start = texts
                .iter()
                .position(|t| data_dir.starts_with(*t) && t.len() > 4)
                .expect("the data folder's first line");
            let mut joined = String::new();
            for line in &texts[start..] {
                if joined.len() >= data_dir.len() {
                    break;
                }
                joined.push_str(line);
            }
            assert_eq!(joined, data_dir);
            // The long command falls back to the placeholder.
            assert!(texts.contains(&"clinic --data-dir \"<data folder>\" recover"));
        }
    }

    #[test]
    fn absurd_values_are_shortened_never_drawn_off_the_page() {
        let fonts = Fonts::load().unwrap();
        let huge = "ÁÉÍÓÚ ñandú ".repeat(400);
        let path = "C:\\Users\\Zoë\\".repeat(300);
        for paper in [Paper::A4, Paper::Letter] {
            let sheet = RecoverySheet {
                clinic_name: &huge,
                data_dir: &path,
                store_id: &huge,
                device_name: &huge,
                created_at: &huge,
                created_by: &huge,
                generated_at: &huge,
                ..sample()
            };
            let page = draw(&sheet, paper, &fonts).unwrap();
            assert_inside_margins(&page);
            assert!(texts(&page).iter().any(|t| t.contains('…')));
        }
    }

    #[test]
    fn empty_values_print_a_dash() {
        let fonts = Fonts::load().unwrap();
        let sheet = RecoverySheet {
            clinic_name: "",
            device_name: " ",
            ..sample()
        };
        let page = draw(&sheet, Paper::A4, &fonts).unwrap();
        assert_inside_margins(&page);
        assert!(texts(&page).iter().filter(|t| **t == "—").count() >= 2);
    }

    #[test]
    fn a_key_too_long_for_the_page_is_refused_not_cut() {
        let fonts = Fonts::load().unwrap();
        let key = "ABCD-".repeat(2000);
        let sheet = RecoverySheet {
            recovery_key: &key,
            ..sample()
        };
        assert!(matches!(
            draw(&sheet, Paper::A4, &fonts),
            Err(PrintError::DoesNotFit(_))
        ));
    }
}
