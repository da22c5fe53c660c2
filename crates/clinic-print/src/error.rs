//! The crate's one error type.

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// A font compiled into the crate could not be parsed (a build problem, not a user one).
    #[error("the built-in font {0} could not be read")]
    Font(&'static str),
    /// The content would run past the bottom margin of a one-page document.
    #[error("the {0} does not fit on one page")]
    DoesNotFit(&'static str),
    /// The PDF writer reported an error.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}
