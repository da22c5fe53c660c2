//! Printed documents of Clinic, rendered as PDF.
//!
//! Each document is one function that takes plain, already formatted strings and returns the bytes
//! of a finished PDF: the caller decides where the file goes (and deletes it once printed). The
//! crate knows nothing about the database or the domain; dates, names and amounts arrive as text.
//!
//! Documents so far:
//! - [`recovery_sheet`]: the one-page sheet with the database recovery key, printed at setup and
//!   kept in the clinic's safe.
//!
//! The fonts (DejaVu Sans and DejaVu Sans Mono, see `fonts/LICENSE-DejaVu.txt`) are compiled in
//! and embedded into every PDF, reduced to the glyphs the document uses, so names in Latin, Greek
//! or Cyrillic script print as typed (characters the fonts lack, such as Chinese, print as boxes). `layout` holds what every document shares: paper
//! sizes, margins, measuring and wrapping text with the fonts' real glyph widths, and drawing.

mod error;
mod fonts;
mod layout;
mod recovery_sheet;

pub use error::PrintError;
pub use layout::Paper;
pub use recovery_sheet::{RecoverySheet, recovery_sheet};
