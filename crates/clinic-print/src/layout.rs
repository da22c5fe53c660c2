//! What every printed document shares: paper sizes, margins, colours, measuring and wrapping text
//! with the fonts' real glyph widths, a cursor that refuses to run past the bottom margin, and a
//! page that draws text, rules and boxes while remembering where everything went (so tests can
//! check that nothing lands outside the margins).
//!
//! Coordinates are PDF points (1/72 inch) from the bottom-left corner of the page.

use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, PdfDocument, PdfPage, PdfSaveOptions, Point, Pt, Rect,
    TextItem,
};

use crate::PrintError;
use crate::fonts::{Face, Fonts};

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;

/// The sheet of paper a document is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm: everywhere but North America.
    A4,
    /// US Letter, 8.5 × 11 in (215.9 × 279.4 mm).
    Letter,
}

impl Paper {
    /// Width and height in points.
    pub(crate) fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0 * MM, 297.0 * MM),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// The blank border of a page, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Margins {
    pub(crate) top: f32,
    pub(crate) right: f32,
    pub(crate) bottom: f32,
    pub(crate) left: f32,
}

/// An RGB colour, each channel 0.0 to 1.0.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rgb(pub(crate) f32, pub(crate) f32, pub(crate) f32);

impl Rgb {
    fn color(self) -> Color {
        Color::Rgb(printpdf::Rgb::new(self.0, self.1, self.2, None))
    }
}

/// The palette of printed documents: near-black text, one accent, greys for the rest.
pub(crate) mod ink {
    use super::Rgb;
    pub(crate) const TEXT: Rgb = Rgb(0.10, 0.11, 0.13);
    pub(crate) const MUTED: Rgb = Rgb(0.36, 0.38, 0.42);
    pub(crate) const ACCENT: Rgb = Rgb(0.09, 0.27, 0.45);
    pub(crate) const WARNING: Rgb = Rgb(0.66, 0.13, 0.11);
    pub(crate) const RULE: Rgb = Rgb(0.80, 0.82, 0.85);
    pub(crate) const TINT: Rgb = Rgb(0.955, 0.965, 0.975);
}

/// A rectangle: `left < right`, `bottom < top`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BBox {
    pub(crate) left: f32,
    pub(crate) bottom: f32,
    pub(crate) right: f32,
    pub(crate) top: f32,
}

impl BBox {
    /// Whether `inner` lies inside `self` (a hundredth of a point of slack for rounding).
    pub(crate) fn contains(&self, inner: &BBox) -> bool {
        const SLACK: f32 = 0.01;
        inner.left >= self.left - SLACK
            && inner.right <= self.right + SLACK
            && inner.bottom >= self.bottom - SLACK
            && inner.top <= self.top + SLACK
    }
}

/// A font at a size, with the distance between baselines and a colour.
#[derive(Clone, Copy)]
pub(crate) struct Style<'f> {
    pub(crate) face: &'f Face,
    pub(crate) size: f32,
    pub(crate) leading: f32,
    pub(crate) color: Rgb,
}

impl Style<'_> {
    pub(crate) fn width(&self, text: &str) -> f32 {
        self.face.width(text, self.size)
    }

    /// From the top of the first line (its ascent) to the bottom of the last (its descent).
    pub(crate) fn block_height(&self, lines: usize) -> f32 {
        if lines == 0 {
            return 0.0;
        }
        self.face.ascent(self.size)
            + (lines - 1) as f32 * self.leading
            + self.face.descent(self.size)
    }
}

/// Where a line may be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breaks {
    /// Between words; the spaces at a break are dropped. Prose and names.
    Words,
    /// Anywhere, keeping every character (the lines joined give back the text), preferring
    /// after a `/` or `\`. Paths, keys and identifiers.
    Exact,
}

/// Which part of a text that does not fit gives way to an ellipsis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elide {
    /// The end: names and prose.
    End,
    /// The middle, keeping the start and the end: paths, whose last folder matters most.
    Middle,
}

const ELLIPSIS: char = '…';

/// Breaks `text` into lines no wider than `width` at `style`'s size. A single character wider
/// than `width` still gets a line of its own (there is nothing smaller to break it into).
pub(crate) fn wrap(style: &Style<'_>, text: &str, width: f32, breaks: Breaks) -> Vec<String> {
    match breaks {
        Breaks::Exact => wrap_exact(style, text, width),
        Breaks::Words => {
            let mut lines = Vec::new();
            let mut line = String::new();
            for word in text.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if style.width(&candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut pieces = wrap_exact(style, word, width);
                line = pieces.pop().unwrap_or_default();
                lines.extend(pieces);
            }
            if !line.is_empty() {
                lines.push(line);
            }
            lines
        }
    }
}

fn wrap_exact(style: &Style<'_>, text: &str, width: f32) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        // The longest run from `start` that fits (at least one character).
        let mut end = start;
        let mut used = 0.0;
        while end < chars.len() {
            let advance = style.width(chars[end].encode_utf8(&mut [0; 4]));
            if end > start && used + advance > width {
                break;
            }
            used += advance;
            end += 1;
        }
        // Rather break after a path separator, else after a space or punctuation, than inside a
        // word; but not so early that the line is left less than 60% full.
        if end < chars.len() {
            let last_after = |breakable: fn(char) -> bool| {
                (start + 1..end).rev().find(|&i| breakable(chars[i - 1]))
            };
            let full_enough = |at: usize| {
                style.width(&chars[start..at].iter().collect::<String>()) >= 0.6 * width
            };
            if let Some(at) = last_after(|c| matches!(c, '/' | '\\'))
                .filter(|&at| full_enough(at))
                .or_else(|| {
                    last_after(|c| c.is_whitespace() || matches!(c, '-' | '_' | '.' | ','))
                        .filter(|&at| full_enough(at))
                })
            {
                end = at;
            }
        }
        lines.push(chars[start..end].iter().collect());
        start = end;
    }
    lines
}

/// Like [`wrap`], but at most `max_lines` lines: when the text needs more, as much of it is kept
/// as fits, with an ellipsis where the rest was cut (see [`Elide`]).
pub(crate) fn wrap_at_most(
    style: &Style<'_>,
    text: &str,
    width: f32,
    breaks: Breaks,
    max_lines: usize,
    elide: Elide,
) -> Vec<String> {
    let lines = wrap(style, text, width, breaks);
    if lines.len() <= max_lines || max_lines == 0 {
        return if max_lines == 0 { Vec::new() } else { lines };
    }
    let chars: Vec<char> = text.chars().collect();
    let shortened = |keep: usize| -> String {
        let (head, tail) = match elide {
            Elide::End => (keep, 0),
            Elide::Middle => (keep.div_ceil(2), keep / 2),
        };
        let mut s: String = chars[..head].iter().collect();
        if breaks == Breaks::Words {
            s.truncate(s.trim_end().len());
        }
        s.push(ELLIPSIS);
        s.extend(&chars[chars.len() - tail..]);
        s
    };
    // The most characters that still fit: binary search over how many are kept.
    let (mut fits, mut too_many) = (0, chars.len());
    while too_many - fits > 1 {
        let mid = (fits + too_many) / 2;
        if wrap(style, &shortened(mid), width, breaks).len() <= max_lines {
            fits = mid;
        } else {
            too_many = mid;
        }
    }
    wrap(style, &shortened(fits), width, breaks)
}

/// Horizontal alignment of a line within its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// The vertical position on a page as content is laid out top-down, the floor below which
/// nothing may go, and how loosely the content is spaced.
pub(crate) struct Flow {
    y: f32,
    floor: f32,
    spacing: f32,
    document: &'static str,
}

impl Flow {
    /// `spacing` scales every gap and padding (1.0 is the document's normal spacing): a document
    /// whose content runs long is laid out again, tighter, before giving up.
    pub(crate) fn new(top: f32, floor: f32, spacing: f32, document: &'static str) -> Self {
        Self {
            y: top,
            floor,
            spacing,
            document,
        }
    }

    /// `points` of space (a gap or a padding) at this flow's spacing.
    pub(crate) fn space(&self, points: f32) -> f32 {
        points * self.spacing
    }

    /// Takes `height` points below the cursor and returns their top edge; fails when they would
    /// cross the floor.
    pub(crate) fn claim(&mut self, height: f32) -> Result<f32, PrintError> {
        let top = self.y;
        if top - height < self.floor {
            return Err(PrintError::DoesNotFit(self.document));
        }
        self.y -= height;
        Ok(top)
    }

    /// Leaves a gap of `points` at this flow's spacing (a gap at the very bottom is harmless, so
    /// this never fails).
    pub(crate) fn skip(&mut self, points: f32) {
        self.y -= self.space(points);
    }
}

/// Something drawn on a page: its bounding box and, for text, the text.
#[derive(Debug, Clone)]
pub(crate) struct Drawn {
    /// Read by the tests, which look for what was printed where.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) text: Option<String>,
    pub(crate) bbox: BBox,
}

/// One page being drawn.
pub(crate) struct Page {
    width: f32,
    height: f32,
    margins: Margins,
    ops: Vec<Op>,
    drawn: Vec<Drawn>,
}

impl Page {
    pub(crate) fn new(paper: Paper, margins: Margins) -> Self {
        let (width, height) = paper.size();
        Self {
            width,
            height,
            margins,
            ops: Vec::new(),
            drawn: Vec::new(),
        }
    }

    /// The area inside the margins.
    pub(crate) fn content(&self) -> BBox {
        BBox {
            left: self.margins.left,
            bottom: self.margins.bottom,
            right: self.width - self.margins.right,
            top: self.height - self.margins.top,
        }
    }

    /// Everything drawn so far, in order.
    #[cfg(test)]
    pub(crate) fn drawn(&self) -> &[Drawn] {
        &self.drawn
    }

    /// Fails if anything was drawn outside the margins: the last line of defence against a
    /// layout mistake printing off the paper.
    fn check_margins(&self, document: &'static str) -> Result<(), PrintError> {
        let area = self.content();
        match self.drawn.iter().find(|d| !area.contains(&d.bbox)) {
            Some(_) => Err(PrintError::DoesNotFit(document)),
            None => Ok(()),
        }
    }

    /// Draws one line of text with its baseline at `baseline`, aligned within `[left, right]`.
    /// The text is not wrapped: measure or [`wrap`] it first.
    pub(crate) fn text(
        &mut self,
        style: &Style<'_>,
        left: f32,
        right: f32,
        baseline: f32,
        text: &str,
        align: Align,
    ) {
        if text.is_empty() {
            return;
        }
        let width = style.width(text);
        let x = match align {
            Align::Left => left,
            Align::Right => right - width,
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: style.face.handle(),
                size: Pt(style.size),
            },
            Op::SetFillColor {
                col: style.color.color(),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
        self.drawn.push(Drawn {
            text: Some(text.to_owned()),
            bbox: BBox {
                left: x,
                bottom: baseline - style.face.descent(style.size),
                right: x + width,
                top: baseline + style.face.ascent(style.size),
            },
        });
    }

    /// Draws `lines` one under the other, the first one's ascent touching `top`, and returns
    /// the bottom of the block (see [`Style::block_height`]).
    pub(crate) fn lines(
        &mut self,
        style: &Style<'_>,
        left: f32,
        right: f32,
        top: f32,
        lines: &[String],
        align: Align,
    ) -> f32 {
        let mut baseline = top - style.face.ascent(style.size);
        for line in lines {
            self.text(style, left, right, baseline, line, align);
            baseline -= style.leading;
        }
        top - style.block_height(lines.len())
    }

    /// A horizontal rule from `left` to `right`, centred on `y`.
    pub(crate) fn rule(&mut self, left: f32, right: f32, y: f32, thickness: f32, color: Rgb) {
        let point = |x: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: color.color() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(left), point(right)],
                    is_closed: false,
                },
            },
            Op::RestoreGraphicsState,
        ]);
        self.drawn.push(Drawn {
            text: None,
            bbox: BBox {
                left,
                bottom: y - thickness / 2.0,
                right,
                top: y + thickness / 2.0,
            },
        });
    }

    /// A filled rectangle with an optional border (drawn just inside `bbox`).
    pub(crate) fn panel(&mut self, bbox: BBox, fill: Rgb, border: Option<(Rgb, f32)>) {
        let inset = border.map_or(0.0, |(_, thickness)| thickness / 2.0);
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col: fill.color() });
        if let Some((color, thickness)) = border {
            self.ops.push(Op::SetOutlineColor { col: color.color() });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        }
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(bbox.left + inset),
                y: Pt(bbox.bottom + inset),
                width: Pt(bbox.right - bbox.left - 2.0 * inset),
                height: Pt(bbox.top - bbox.bottom - 2.0 * inset),
                mode: Some(if border.is_some() {
                    PaintMode::FillStroke
                } else {
                    PaintMode::Fill
                }),
                winding_order: None,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
        self.drawn.push(Drawn { text: None, bbox });
    }

    fn into_pdf_page(self) -> PdfPage {
        let size = Rect {
            x: Pt(0.0),
            y: Pt(0.0),
            width: Pt(self.width),
            height: Pt(self.height),
            mode: None,
            winding_order: None,
        };
        PdfPage {
            media_box: size.clone(),
            trim_box: size.clone(),
            crop_box: size,
            ops: self.ops,
        }
    }
}

/// Assembles `pages` into a PDF titled `title`, embeds the fonts they use and returns the file.
/// `document` names the document in errors.
pub(crate) fn finish(
    document: &'static str,
    title: &str,
    pages: Vec<Page>,
    fonts: &Fonts,
) -> Result<Vec<u8>, PrintError> {
    for page in &pages {
        page.check_margins(document)?;
    }
    let mut doc = PdfDocument::new(title);
    let now = printpdf::OffsetDateTime::now_utc();
    let info = &mut doc.metadata.info;
    info.creator = "Clinic".to_owned();
    info.producer = "Clinic (printpdf)".to_owned();
    info.creation_date = now;
    info.modification_date = now;
    info.metadata_date = now;
    doc.pages = pages.into_iter().map(Page::into_pdf_page).collect();
    fonts.embed_into(&mut doc);

    let mut warnings = Vec::new();
    let bytes = doc.save(&PdfSaveOptions::default(), &mut warnings);
    if let Some(error) = warnings
        .iter()
        .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
    {
        return Err(PrintError::Pdf(error.msg.clone()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_style(test: impl Fn(&Style<'_>, &Style<'_>)) {
        let fonts = Fonts::load().unwrap();
        let style = |face| Style {
            face,
            size: 10.0,
            leading: 14.0,
            color: ink::TEXT,
        };
        test(&style(&fonts.sans), &style(&fonts.mono));
    }

    #[test]
    fn widths_come_from_the_glyphs() {
        with_style(|sans, mono| {
            // DejaVu Sans Mono advances are 1233/2048 em for every character.
            let expected = 4.0 * 1233.0 / 2048.0 * 10.0;
            assert!((mono.width("iWñ0") - expected).abs() < 0.001);
            assert!(sans.width("WWWW") > sans.width("iiii") * 2.0);
            assert!((sans.width("Zoë") - sans.width("Zoe")).abs() < 0.001);
        });
    }

    #[test]
    fn words_wrap_within_the_width_and_keep_every_word() {
        with_style(|sans, _| {
            let text = "Anyone who holds this sheet together with the data files can read the \
                        patient records of Clínica Núñez.";
            let lines = wrap(sans, text, 150.0, Breaks::Words);
            assert!(lines.len() > 2);
            assert!(lines.iter().all(|line| sans.width(line) <= 150.0));
            assert_eq!(lines.join(" "), text);
            // A word longer than the width is broken, not left to run over.
            let lines = wrap(sans, &"W".repeat(60), 150.0, Breaks::Words);
            assert!(lines.len() > 1 && lines.iter().all(|line| sans.width(line) <= 150.0));
        });
    }

    #[test]
    fn exact_wrap_keeps_every_character_and_prefers_separators() {
        with_style(|_, mono| {
            let path = "C:\\Users\\Recepción\\AppData\\Roaming\\Clinic\\data folder with spaces\\x";
            let lines = wrap(mono, path, 150.0, Breaks::Exact);
            assert_eq!(lines.concat(), path);
            assert!(lines.iter().all(|line| mono.width(line) <= 150.0));
            assert!(lines[0].ends_with('\\'), "{lines:?}");
        });
    }

    #[test]
    fn at_most_elides_the_end_or_the_middle() {
        with_style(|sans, mono| {
            let name = "Clínica Pediátrica e Centro de Reabilitação Física ".repeat(6);
            let lines = wrap_at_most(sans, &name, 200.0, Breaks::Words, 2, Elide::End);
            assert_eq!(lines.len(), 2);
            assert!(lines[1].ends_with('…'));
            assert!(lines.iter().all(|line| sans.width(line) <= 200.0));

            let path = format!("/srv/{}end", "folder/".repeat(80));
            let lines = wrap_at_most(mono, &path, 200.0, Breaks::Exact, 3, Elide::Middle);
            assert_eq!(lines.len(), 3);
            let joined = lines.concat();
            assert!(joined.starts_with("/srv/folder/") && joined.ends_with("folder/end"));
            assert_eq!(joined.matches('…').count(), 1);
            assert!(lines.iter().all(|line| mono.width(line) <= 200.0));

            // Text that fits is left alone.
            let lines = wrap_at_most(sans, "Zoë", 200.0, Breaks::Words, 1, Elide::End);
            assert_eq!(lines, ["Zoë"]);
        });
    }

    #[test]
    fn flow_refuses_to_cross_the_floor() {
        let mut flow = Flow::new(100.0, 50.0, 1.0, "test");
        assert_eq!(flow.claim(30.0).unwrap(), 100.0);
        flow.skip(10.0);
        assert_eq!(flow.claim(10.0).unwrap(), 60.0);
        assert!(matches!(
            flow.claim(10.1),
            Err(PrintError::DoesNotFit("test"))
        ));
    }

    #[test]
    fn paper_sizes() {
        let (w, h) = Paper::A4.size();
        assert!((w - 595.276).abs() < 0.01 && (h - 841.89).abs() < 0.01);
        assert_eq!(Paper::Letter.size(), (612.0, 792.0));
    }
}
