//! Sentences for a person, kept translatable: the session says what happened as an English
//! template with `{name}` placeholders plus the arguments that fill them, and the UI renders
//! it in the agent's language (finesse-ui's `Locale::text`). Arguments are either texts of
//! their own (translated in turn) or data shown verbatim (the server's error text, a reason
//! label, a number, a CTI constant).
//!
//! A placeholder whose name starts with a capital letter (`{Reason}`) capitalises the first
//! letter of what fills it (a clause that starts the sentence; ASCII letters only, which every
//! template and its translations start with).
//!
//! [`MESSAGES`] lists every template the session can produce; a test holds the sources to it,
//! and finesse-ui's tests hold its French table to it.

use std::fmt;

/// A translatable sentence: an English template and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The English template, with `{name}` placeholders (one of [`MESSAGES`]).
    pub template: &'static str,
    /// The values of the placeholders, by name (lower-case first letter).
    pub args: Vec<(&'static str, Arg)>,
}

/// What fills a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Another sentence part, translated too.
    Text(Text),
    /// Data shown as it is: the server's words, a label, a number, an error code.
    Verbatim(String),
}

impl From<Text> for Arg {
    fn from(text: Text) -> Self {
        Self::Text(text)
    }
}

impl From<String> for Arg {
    fn from(data: String) -> Self {
        Self::Verbatim(data)
    }
}

impl From<&str> for Arg {
    fn from(data: &str) -> Self {
        Self::Verbatim(data.to_owned())
    }
}

impl Text {
    /// A text with no arguments (yet).
    pub fn new(template: &'static str) -> Self {
        Self { template, args: Vec::new() }
    }

    /// Fills the placeholder `name` (`{name}`, or `{Name}` capitalised).
    #[must_use]
    pub fn with(mut self, name: &'static str, arg: impl Into<Arg>) -> Self {
        self.args.push((name, arg.into()));
        self
    }

    /// The sentence, each template (this one and those of its arguments) passed through
    /// `translate` first; verbatim arguments are inserted unchanged.
    pub fn render<'a>(&self, translate: &impl Fn(&'static str) -> &'a str) -> String {
        let template = translate(self.template);
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(len) = rest[open..].find('}') else { break };
            out.push_str(&rest[..open]);
            let name = &rest[open + 1..open + len];
            let capitalise = name.starts_with(|c: char| c.is_ascii_uppercase());
            let found = self.args.iter().find(|(n, _)| {
                n.len() == name.len()
                    && n.get(..1)
                        .is_some_and(|a| name.get(..1).is_some_and(|b| a.eq_ignore_ascii_case(b)))
                    && n.get(1..) == name.get(1..)
            });
            match found {
                Some((_, arg)) => {
                    let value = match arg {
                        Arg::Text(text) => text.render(translate),
                        Arg::Verbatim(data) => data.clone(),
                    };
                    let at = out.len();
                    out.push_str(&value);
                    // ASCII only: Unicode case tables would cost ~7 KB of gzipped wasm, and
                    // every text (English and French) starts with an ASCII letter (tested).
                    if capitalise && let Some(first) = out.get_mut(at..=at) {
                        first.make_ascii_uppercase();
                    }
                }
                // A placeholder nothing fills stays visible rather than vanishing.
                None => out.push_str(&rest[open..=open + len]),
            }
            rest = &rest[open + len + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The sentence in English.
    pub fn english(&self) -> String {
        self.render(&|template| template)
    }

    /// Every template in this text and its arguments.
    pub fn templates(&self) -> Vec<&'static str> {
        let mut all = vec![self.template];
        for (_, arg) in &self.args {
            if let Arg::Text(text) = arg {
                all.extend(text.templates());
            }
        }
        all
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

/// Every template the session builds texts from (failures, refusals, what an action was, the
/// checks of what the agent typed, the state rules' reasons), so a UI's translation table can be
/// held to it. The templates with no words (`{Reason}{cti}.`) need no translation.
pub const MESSAGES: &[&str] = &[
    // the sentence of a failure or refusal (Failure, Session::refused)
    "Could not {action}: {reason}{cti}.",
    "{Reason}{cti}.",
    " (CTI error {code}, {constant})",
    " (error {code})",
    // why it failed (Failure)
    "the Finesse server could not be reached",
    "the Finesse server did not accept your credentials (sign in again)",
    "the Finesse server is out of service; try again in a few seconds",
    "the call no longer exists",
    "the Finesse server refused it (HTTP {status})",
    "the Finesse server sent an unreadable answer",
    "the Finesse server sent an unreadable answer ({error})",
    "the phone system refused it",
    "the Finesse server accepted it but did not confirm it within {seconds} s (the screen shows the server's state)",
    "the Finesse server did not answer within {seconds} s",
    "the phone system could not do it",
    "it is not allowed in the current state",
    "that number cannot be called",
    "a value was not accepted",
    "something required was missing",
    "the phone (extension) cannot be used",
    "the phone (extension) is already in use",
    "this user cannot sign in as a mobile agent",
    "call variables cannot be changed on this call",
    "you are not allowed to do that",
    "the Finesse server had an internal error",
    "a limit was reached",
    "the Finesse server refused it",
    "Finesse refused it ({type})",
    "{reason} ({message})",
    // what was asked (Session::describe)
    "change to Ready",
    "change to Not Ready",
    "change to Not Ready ({reason})",
    "sign out",
    "sign out ({reason})",
    "call {number}",
    "answer the call",
    "hold the call",
    "retrieve the call",
    "end the call",
    "consult {number}",
    "transfer the call",
    "start the conference",
    "transfer the call to {number}",
    "send the digits",
    "set the wrap-up reason",
    "update the call variables",
    "make agent {agent} Ready",
    "sign agent {agent} out",
    "make agent {agent} Not Ready",
    "monitor extension {extension}",
    "barge in on the call",
    "drop {participant} from the conference",
    // what a refresh reads (Refresh::describe)
    "load your agent",
    "load your calls",
    "load the Not Ready reasons",
    "load the Sign Out reasons",
    "load the wrap-up reasons",
    "load the call variables layout",
    "load the system information",
    // why the session sends nothing (Refusal)
    "you are not signed in",
    "choose a reason",
    "reason code {id} is not one of yours",
    "choose a wrap-up reason first",
    "that call has ended",
    "{Action} is not possible on this call now",
    "Answer",
    "Hold",
    "Retrieve",
    "End",
    "Consult",
    "Transfer",
    "Conference",
    "Direct transfer",
    "the keypad",
    "changing call data",
    "Barge In",
    "dropping a participant",
    "that action",
    "a call cannot be made in your current state",
    "you must be Not Ready and on no call to monitor an agent",
    "too many requests are waiting for an answer",
    "the request could not be written ({error})",
    "call variables can be given with a new call on Unified CCE only",
    "say which participant to drop",
    // the checks of what the agent typed (DialError, validate_*)
    "enter a number to call",
    "the number may only contain letters, digits, spaces and punctuation",
    "that is your own extension",
    "numbers starting with + cannot be dialed on this system",
    "enter the digits to send",
    "the keypad sends only 0-9, * and #",
    "the keypad sends only 0-9, *, # and A-D",
    "choose a wrap-up reason",
    "a wrap-up reason is at most 39 bytes",
    "no call variable to set",
    "a call variable has no name",
    "the call variable {name} is given twice",
    "{name} is set by Outbound Option and cannot be changed",
    "the value of {name} is longer than 40 bytes",
    "the value of {name} has characters outside Latin-1",
    // why a state cannot be chosen (finesse_model::transitions::StateChangeError::describe)
    "the agent is signed out",
    "that state cannot be reached from the current state",
    "during a call only one Not Ready can be chosen, and Ready cannot be chosen",
    "Ready cannot be chosen during a non-routed call",
    "that state cannot be requested",
];

/// Whether a template has words to translate (not only placeholders and punctuation).
pub fn has_words(template: &str) -> bool {
    let mut depth = 0;
    template.chars().any(|c| match c {
        '{' => {
            depth += 1;
            false
        }
        '}' => {
            depth -= 1;
            false
        }
        c => depth == 0 && c.is_alphabetic(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_translated_and_capitalised() {
        let why = Text::new("it is not allowed in the current state");
        let text = Text::new("Could not {action}: {reason}{cti}.")
            .with("action", Text::new("call {number}").with("number", "1001 {x}"))
            .with("reason", why.clone())
            .with("cti", Text::new(" (error {code})").with("code", "7"));
        assert_eq!(
            text.english(),
            "Could not call 1001 {x}: it is not allowed in the current state (error 7)."
        );
        let upper = Text::new("{Reason}{cti}.").with("reason", why).with("cti", "");
        assert_eq!(upper.english(), "It is not allowed in the current state.");
        let shout = |t: &'static str| if t.starts_with("call") { "appeler {number}" } else { t };
        assert!(text.render(&shout).starts_with("Could not appeler 1001 {x}:"));
        assert_eq!(Text::new("a {b} c {").english(), "a {b} c {");
        assert_eq!(
            text.templates(),
            [
                "Could not {action}: {reason}{cti}.",
                "call {number}",
                "it is not allowed in the current state",
                " (error {code})"
            ]
        );
        assert!(!has_words("{Reason}{cti}.") && has_words(" (error {code})"));
    }

    /// Every template the sources build a text from is in MESSAGES, and every entry of
    /// MESSAGES is built somewhere: a new sentence without an entry fails here, and one in
    /// MESSAGES fails finesse-ui's tests until it has a French text.
    #[test]
    fn messages_are_exactly_the_templates_of_the_sources() {
        let sources = [
            include_str!("failure.rs"),
            include_str!("session.rs"),
            include_str!("intent.rs"),
            include_str!("../../finesse-model/src/transitions.rs"),
        ];
        let mut found = Vec::new();
        for source in sources {
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            for marker in ["Text::new(\"", "Text::new(\n"] {
                for (at, _) in code.match_indices(marker) {
                    let rest = code[at + marker.len() - 1..].trim_start().trim_start_matches('"');
                    found.push(literal(rest));
                }
            }
        }
        // The state rules' reasons and the typed-input checks are &'static str there.
        for source in [sources[2], sources[3]] {
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            for marker in ["Err(\"", "=> \"", "=> {\n                \""] {
                for (at, _) in code.match_indices(marker) {
                    found.push(literal(&code[at + marker.len()..]));
                }
            }
        }
        for template in &found {
            assert!(MESSAGES.contains(&template.as_str()), "{template:?} is not in MESSAGES");
        }
        for message in MESSAGES {
            assert!(found.iter().any(|f| f == message), "{message:?} is in MESSAGES but unused");
        }
        let mut sorted = MESSAGES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), MESSAGES.len(), "MESSAGES has duplicates");
    }

    /// A string literal up to its closing quote, with `\` line continuations joined.
    fn literal(rest: &str) -> String {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('\n') => {
                        while chars.peek().is_some_and(|c| c.is_whitespace()) {
                            chars.next();
                        }
                    }
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        out
    }
}
