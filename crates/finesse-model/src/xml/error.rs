//! Decoding and encoding errors. They name the element path (`User/ReasonCode/forAll`) and what
//! was expected, so a message from a gadget's log points at the offending element.

use std::fmt;

/// What went wrong while decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not well-formed XML.
    Syntax(String),
    /// The document nests deeper than the decoder accepts.
    TooDeep(usize),
    /// The root element is not the one the requested type is encoded as.
    WrongRoot {
        /// The root element the type expects.
        expected: &'static str,
        /// The root element found.
        found: String,
    },
    /// (Strict mode) an element the model does not know at this place.
    UnknownElement(String),
    /// (Strict mode) an attribute the model does not know on this element.
    UnknownAttribute(String),
    /// (Strict mode) non-whitespace text inside an element that only holds elements.
    UnexpectedText(String),
    /// (Strict mode) an element that may appear once appears several times.
    Duplicate(String),
    /// A value that does not parse as its type.
    InvalidValue {
        /// The text found.
        value: String,
        /// What was expected, in words.
        expected: String,
    },
    /// A required element or attribute is missing.
    Missing(String),
    /// Any other mapping error reported by a model type.
    Other(String),
}

/// An error from [`crate::decode`] or [`crate::decode_strict`], with the path of the element where
/// it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: ErrorKind,
    path: String,
}

impl DecodeError {
    pub(crate) fn new(kind: ErrorKind, path: impl Into<String>) -> Self {
        Self { kind, path: path.into() }
    }

    /// Prepends an element name to the error's path.
    pub(crate) fn within(mut self, name: &str) -> Self {
        self.path =
            if self.path.is_empty() { name.to_owned() } else { format!("{name}/{}", self.path) };
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Element names from the root to the offending element, joined by `/` (empty for syntax
    /// errors, which are reported before any element is mapped).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A short, stable name for the kind, as used in the fixture manifests: `syntax`,
    /// `too_deep`, `wrong_root`, `unknown_element`, `unknown_attribute`, `unexpected_text`, `duplicate`,
    /// `invalid_value`, `missing` or `other`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ErrorKind::Syntax(_) => "syntax",
            ErrorKind::TooDeep(_) => "too_deep",
            ErrorKind::WrongRoot { .. } => "wrong_root",
            ErrorKind::UnknownElement(_) => "unknown_element",
            ErrorKind::UnknownAttribute(_) => "unknown_attribute",
            ErrorKind::UnexpectedText(_) => "unexpected_text",
            ErrorKind::Duplicate(_) => "duplicate",
            ErrorKind::InvalidValue { .. } => "invalid_value",
            ErrorKind::Missing(_) => "missing",
            ErrorKind::Other(_) => "other",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "at {}: ", self.path)?;
        }
        match &self.kind {
            ErrorKind::Syntax(msg) => write!(f, "malformed XML: {msg}"),
            ErrorKind::TooDeep(max) => write!(f, "elements nest deeper than {max} levels"),
            ErrorKind::WrongRoot { expected, found } => {
                write!(f, "expected a <{expected}> document, found <{found}>")
            }
            ErrorKind::UnknownElement(name) => write!(f, "unknown element <{name}>"),
            ErrorKind::UnknownAttribute(name) => write!(f, "unknown attribute `{name}`"),
            ErrorKind::UnexpectedText(text) => write!(f, "unexpected text `{text}`"),
            ErrorKind::Duplicate(name) => write!(f, "<{name}> appears more than once"),
            ErrorKind::InvalidValue { value, expected } => {
                write!(f, "invalid value `{value}`: expected {expected}")
            }
            ErrorKind::Missing(name) => write!(f, "missing <{name}>"),
            ErrorKind::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for DecodeError {}

impl serde::de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self::new(ErrorKind::Other(msg.to_string()), "")
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(ErrorKind::Missing(field.to_owned()), "")
    }
}

/// An error from [`crate::encode`]: the value could not be written as XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub(crate) String);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode as XML: {}", self.0)
    }
}

impl std::error::Error for EncodeError {}
