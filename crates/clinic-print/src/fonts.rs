//! The fonts compiled into the crate: measuring text with their glyph advances, and embedding them
//! into a finished document reduced to the glyphs it uses.
//!
//! printpdf only subsets fonts with its heavy `text_layout` feature (a whole layout engine). The
//! subsetter it is built on, allsorts, is always there, so the fonts are subset here instead,
//! after the pages are drawn: the subset keeps a Unicode cmap, so printpdf maps the text to the
//! subset's glyph ids, writes its widths and a `/ToUnicode` map (copy and paste, `pdftotext`).

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use printpdf::{FontId, Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, TextItem};

use crate::PrintError;

/// One font face: its bytes, its parsed metrics and the id its text uses in the pages.
pub(crate) struct Face {
    /// PostScript name, used as the PDF `/BaseFont`.
    name: &'static str,
    /// The six capital letters that tag a subset font's name (ISO 32000-1, 9.6.4).
    subset_tag: &'static str,
    bytes: &'static [u8],
    id: FontId,
    font: ParsedFont,
    units_per_em: f32,
}

impl Face {
    fn load(
        name: &'static str,
        subset_tag: &'static str,
        bytes: &'static [u8],
    ) -> Result<Self, PrintError> {
        let font =
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(PrintError::Font(name))?;
        if font.units_per_em == 0 || font.codepoint_to_glyph.is_empty() {
            return Err(PrintError::Font(name));
        }
        Ok(Self {
            name,
            subset_tag,
            bytes,
            id: FontId(format!("F{name}")),
            units_per_em: f32::from(font.units_per_em),
            font,
        })
    }

    /// The handle that `Op::SetFont` takes.
    pub(crate) fn handle(&self) -> PdfFontHandle {
        PdfFontHandle::External(self.id.clone())
    }

    /// The glyph that draws `c`: 0 (.notdef, a box) when the font has none.
    fn glyph(&self, c: char) -> u16 {
        self.font.lookup_glyph_index(u32::from(c)).unwrap_or(0)
    }

    /// The width of `text` set at `size` points, in points: the sum of the glyphs' advance widths
    /// (printpdf applies neither kerning nor ligatures, so this is exactly the drawn width).
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| u32::from(self.font.get_glyph_width(self.glyph(c)).unwrap_or(0)))
            .sum();
        units as f32 * size / self.units_per_em
    }

    /// How far the font reaches above the baseline at `size` (accents included), in points.
    pub(crate) fn ascent(&self, size: f32) -> f32 {
        f32::from(self.font.font_metrics.ascent) * size / self.units_per_em
    }

    /// How far the font reaches below the baseline at `size`, in points (a positive number).
    pub(crate) fn descent(&self, size: f32) -> f32 {
        -f32::from(self.font.font_metrics.descent) * size / self.units_per_em
    }

    /// Registers this face in `doc`, reduced to the glyphs of `chars`; the whole font if the
    /// subset cannot be made (a bigger file, never a broken one).
    fn embed(&self, doc: &mut PdfDocument, chars: &BTreeSet<char>) {
        let font = match self.subset(chars) {
            Some(mut subset) => {
                subset.font_name = Some(format!("{}+{}", self.subset_tag, self.name));
                subset
            }
            None => {
                let mut full = self.font.clone();
                full.font_name = Some(self.name.to_owned());
                full
            }
        };
        doc.resources
            .fonts
            .map
            .insert(self.id.clone(), PdfFont::new(font));
    }

    fn subset(&self, chars: &BTreeSet<char>) -> Option<ParsedFont> {
        // Glyph 0 (.notdef) must come first; allsorts renumbers the rest in this order and
        // adds the components of composite glyphs (accented letters) after them.
        let glyphs: BTreeSet<u16> = chars.iter().map(|&c| self.glyph(c)).collect();
        let ids: Vec<u16> = std::iter::once(0)
            .chain(glyphs.into_iter().filter(|&g| g != 0))
            .collect();
        let data = ReadScope::new(self.bytes).read::<FontData<'_>>().ok()?;
        let provider = data.table_provider(0).ok()?;
        let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()?;
        let font = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())?;
        // Every character the full font can draw must still map to a glyph of the same width.
        let intact = chars.iter().all(|&c| {
            let full = self.glyph(c);
            full == 0
                || font
                    .lookup_glyph_index(u32::from(c))
                    .is_some_and(|g| font.get_glyph_width(g) == self.font.get_glyph_width(full))
        });
        intact.then_some(font)
    }
}

/// The faces every document uses.
pub(crate) struct Fonts {
    /// DejaVu Sans: everything but the recovery key and paths.
    pub(crate) sans: Face,
    /// DejaVu Sans Mono: keys, identifiers, paths and commands, where each character counts.
    pub(crate) mono: Face,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, PrintError> {
        Ok(Self {
            sans: Face::load(
                "DejaVuSans",
                "CLNSAN",
                include_bytes!("../fonts/DejaVuSans.ttf"),
            )?,
            mono: Face::load(
                "DejaVuSansMono",
                "CLNMON",
                include_bytes!("../fonts/DejaVuSansMono.ttf"),
            )?,
        })
    }

    /// Embeds the faces `doc`'s pages use, each reduced to the characters drawn with it.
    pub(crate) fn embed_into(&self, doc: &mut PdfDocument) {
        let used = used_chars(doc);
        for face in [&self.sans, &self.mono] {
            if let Some(chars) = used.get(&face.id) {
                face.embed(doc, chars);
            }
        }
    }
}

/// The characters shown with each external font, read back from the pages' operations.
fn used_chars(doc: &PdfDocument) -> BTreeMap<FontId, BTreeSet<char>> {
    let mut used: BTreeMap<FontId, BTreeSet<char>> = BTreeMap::new();
    for page in &doc.pages {
        let mut current: Option<&FontId> = None;
        for op in &page.ops {
            match op {
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    ..
                } => current = Some(id),
                Op::SetFont { .. } => current = None,
                Op::ShowText { items } => {
                    if let Some(id) = current {
                        let chars = used.entry(id.clone()).or_default();
                        for item in items {
                            if let TextItem::Text(text) = item {
                                chars.extend(text.chars());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    used
}
