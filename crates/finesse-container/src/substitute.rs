//! Hangman substitution (`__TYPE_key__`, OPENSOCIAL.md §6.3), as Shindig does it.
//!
//! Sources, registered in this order: `__MSG_<k>__` (the merged message bundle), `__UP_<name>__`
//! (only prefs declared in the spec: the request's `up_<name>`, else `default_value`, else `""`,
//! always HTML-escaped), `__MODULE_ID__`, and `__BIDI_START_EDGE__`, `__BIDI_END_EDGE__`,
//! `__BIDI_DIR__`, `__BIDI_REVERSE_DIR__`.
//!
//! The scanning rule, left to right: at `__`, find the next `__`; if the text from the opening
//! `__` up to it is a registered key, the whole token is replaced; otherwise one `_` is emitted
//! and scanning continues at the next character (so `___MODULE_ID__` works). Unknown tokens stay.
//! A message's value is scanned once more, for non-message tokens only (messages inside
//! messages are not expanded). Every other value is scanned against the entries registered
//! before it, when it is registered.
//!
//! One deliberate difference from Shindig (commons-lang `escapeHtml`): `'` is escaped too (as
//! `&#39;`), since `up_` values come from a URL anyone can craft and a gadget may put
//! `__UP_x__` in a single-quoted attribute or script string on the desktop's origin.

use std::collections::HashMap;

use crate::spec::{Direction, GadgetSpec};

/// Largest text one substitution may produce (a message used many times could otherwise make a
/// small spec expand without bound).
pub const MAX_SUBSTITUTED_BYTES: usize = 16 * 1024 * 1024;

/// Substitution produced more than [`MAX_SUBSTITUTED_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("substituting __MSG_/__UP_ values produces more than {MAX_SUBSTITUTED_BYTES} bytes")]
pub struct TooLarge;

/// The kind of a registered token, which decides how its value is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Message,
    Other,
}

/// The registered `__TYPE_key__` values.
#[derive(Debug, Clone, Default)]
pub struct Substitutions {
    /// Key is the token without its closing `__` (`__MSG_title`, `__MODULE_ID`).
    entries: HashMap<String, (Kind, String)>,
}

/// The name of the pref the container delivers privately, never from the URL.
pub const AUTHORIZATION_PREF: &str = "authorization";

impl Substitutions {
    /// No substitutions.
    pub fn new() -> Self {
        Self::default()
    }

    /// The substitutions of a rendering, registered in Shindig's order: the merged messages,
    /// the spec's declared prefs (`request_prefs` holds the `up_` values without the prefix; an
    /// `authorization` value there is ignored), the module id and the bidi tokens of `dir`.
    ///
    /// # Errors
    /// [`TooLarge`] when a registered value expands beyond the limit.
    pub fn for_rendering(
        spec: &GadgetSpec,
        messages: &[(String, String)],
        request_prefs: &[(String, String)],
        module_id: u64,
        dir: Direction,
    ) -> Result<Self, TooLarge> {
        let mut subs = Self::new();
        for (name, value) in messages {
            subs.add_message(name, value);
        }
        for pref in &spec.user_prefs {
            let from_request = request_prefs
                .iter()
                .find(|(k, _)| *k == pref.name && pref.name != AUTHORIZATION_PREF)
                .map(|(_, v)| v.as_str());
            subs.add_user_pref(&pref.name, from_request.unwrap_or(&pref.default_value))?;
        }
        subs.add_module_id(module_id);
        subs.add_bidi(dir);
        Ok(subs)
    }

    /// Registers `__MSG_<name>__` (a later message of the same name replaces an earlier one).
    /// The value is scanned when used, for non-message tokens only.
    pub fn add_message(&mut self, name: &str, value: &str) {
        self.entries.insert(format!("__MSG_{name}"), (Kind::Message, value.to_owned()));
    }

    /// Registers `__UP_<name>__` with `value` HTML-escaped, then scanned against the entries
    /// registered so far.
    ///
    /// # Errors
    /// [`TooLarge`] when the scan expands beyond the limit.
    pub fn add_user_pref(&mut self, name: &str, value: &str) -> Result<(), TooLarge> {
        self.add_other(format!("__UP_{name}"), &html_escape(value))
    }

    /// Registers `__MODULE_ID__`.
    pub fn add_module_id(&mut self, module_id: u64) {
        self.entries.insert("__MODULE_ID".to_owned(), (Kind::Other, module_id.to_string()));
    }

    /// Registers the four `__BIDI_*__` tokens for a text direction.
    pub fn add_bidi(&mut self, dir: Direction) {
        let (start, end, reverse) = match dir {
            Direction::Ltr => ("left", "right", "rtl"),
            Direction::Rtl => ("right", "left", "ltr"),
        };
        for (key, value) in [
            ("__BIDI_START_EDGE", start),
            ("__BIDI_END_EDGE", end),
            ("__BIDI_DIR", dir.as_str()),
            ("__BIDI_REVERSE_DIR", reverse),
        ] {
            self.entries.insert(key.to_owned(), (Kind::Other, value.to_owned()));
        }
    }

    fn add_other(&mut self, key: String, value: &str) -> Result<(), TooLarge> {
        let value = self.substitute(value)?;
        self.entries.insert(key, (Kind::Other, value));
        Ok(())
    }

    /// Replaces every registered token in `input`.
    ///
    /// # Errors
    /// [`TooLarge`] when the result would exceed [`MAX_SUBSTITUTED_BYTES`].
    pub fn substitute(&self, input: &str) -> Result<String, TooLarge> {
        let mut out = String::with_capacity(input.len());
        self.scan(input, true, &mut out)?;
        Ok(out)
    }

    fn scan(&self, input: &str, messages: bool, out: &mut String) -> Result<(), TooLarge> {
        let push = |out: &mut String, s: &str| {
            if out.len() + s.len() > MAX_SUBSTITUTED_BYTES {
                return Err(TooLarge);
            }
            out.push_str(s);
            Ok(())
        };
        // `done`: input before it is already in `out`; `from`: where to look for `__` next.
        let mut done = 0;
        let mut from = 0;
        while let Some(rel) = input[from..].find("__") {
            let open = from + rel;
            let Some(rel) = input[open + 2..].find("__") else { break };
            let close = open + 2 + rel;
            match self.entries.get(&input[open..close]) {
                Some((Kind::Message, value)) if messages => {
                    push(out, &input[done..open])?;
                    self.scan(value, false, out)?;
                    done = close + 2;
                    from = done;
                }
                Some((Kind::Other, value)) => {
                    push(out, &input[done..open])?;
                    push(out, value)?;
                    done = close + 2;
                    from = done;
                }
                // Not a key: one `_` stays as it is, scanning resumes at the next character.
                _ => from = open + 1,
            }
        }
        push(out, &input[done..])
    }

    /// The spec with every substitutable text substituted: `ModulePrefs` attributes and the
    /// `Preload`/`Icon`/`Link` values, `UserPref` display names, defaults and enum display
    /// values, and each `Content`'s body, `href` and other attributes.
    ///
    /// # Errors
    /// [`TooLarge`] when a text expands beyond the limit.
    pub fn apply_to_spec(&self, spec: &GadgetSpec) -> Result<GadgetSpec, TooLarge> {
        let mut out = spec.clone();
        let mp = &mut out.module_prefs;
        for (_, v) in &mut mp.attributes {
            *v = self.substitute(v)?;
        }
        for v in mp.preloads.iter_mut().chain(mp.icons.iter_mut()) {
            *v = self.substitute(v)?;
        }
        for (_, href) in &mut mp.links {
            *href = self.substitute(href)?;
        }
        for pref in &mut out.user_prefs {
            pref.display_name = self.substitute(&pref.display_name)?;
            pref.default_value = self.substitute(&pref.default_value)?;
            for (_, display) in &mut pref.enum_values {
                *display = self.substitute(display)?;
            }
        }
        for content in &mut out.contents {
            content.body = self.substitute(&content.body)?;
            if let Some(href) = &mut content.href {
                *href = self.substitute(href)?;
            }
            for (_, v) in &mut content.attributes {
                *v = self.substitute(v)?;
            }
        }
        Ok(out)
    }
}

/// The HTML 4 names of U+00A0..=U+00FF, in code point order.
const LATIN1_ENTITIES: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// HTML-escapes a `__UP_` value as Shindig does (commons-lang `escapeHtml`): `&`, `<`, `>`, `"`
/// and the Latin-1 characters become named entities, other non-ASCII characters numeric ones;
/// `'` becomes `&#39;` (see the module docs).
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{a0}'..='\u{ff}' => {
                out.push('&');
                out.push_str(LATIN1_ENTITIES[c as usize - 0xa0]);
                out.push(';');
            }
            c if !c.is_ascii() => {
                out.push_str("&#");
                out.push_str(&u32::from(c).to_string());
                out.push(';');
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;

    fn subs() -> Substitutions {
        let mut s = Substitutions::new();
        s.add_message("hello", "Hello");
        s.add_module_id(7);
        s.add_bidi(Direction::Ltr);
        s
    }

    fn sub(s: &Substitutions, input: &str) -> String {
        s.substitute(input).unwrap()
    }

    #[test]
    fn message_tokens() {
        assert_eq!(sub(&subs(), "__MSG_hello__, world"), "Hello, world");
        assert_eq!(sub(&subs(), "a__MSG_hello__b__MSG_hello__c"), "aHellobHelloc");
    }

    #[test]
    fn unknown_tokens_stay() {
        let s = subs();
        assert_eq!(sub(&s, "__MSG_nope__"), "__MSG_nope__");
        assert_eq!(sub(&s, "__UP_undeclared__"), "__UP_undeclared__");
        assert_eq!(sub(&s, "__MODULE_ID"), "__MODULE_ID");
        assert_eq!(sub(&s, "snake__case__x"), "snake__case__x");
        assert_eq!(sub(&s, "____"), "____");
        assert_eq!(sub(&s, "_"), "_");
        assert_eq!(sub(&s, ""), "");
    }

    #[test]
    fn extra_underscore_before_a_token() {
        let s = subs();
        assert_eq!(sub(&s, "___MODULE_ID__"), "_7");
        assert_eq!(sub(&s, "id____MODULE_ID__"), "id__7");
        assert_eq!(sub(&s, "x__MODULE_ID___"), "x7_");
    }

    #[test]
    fn module_id_and_bidi() {
        let s = subs();
        assert_eq!(sub(&s, "m__MODULE_ID__"), "m7");
        assert_eq!(
            sub(&s, "__BIDI_START_EDGE__ __BIDI_END_EDGE__ __BIDI_DIR__ __BIDI_REVERSE_DIR__"),
            "left right ltr rtl"
        );
        let mut rtl = Substitutions::new();
        rtl.add_bidi(Direction::Rtl);
        assert_eq!(
            sub(&rtl, "__BIDI_START_EDGE__ __BIDI_END_EDGE__ __BIDI_DIR__ __BIDI_REVERSE_DIR__"),
            "right left rtl ltr"
        );
    }

    #[test]
    fn user_prefs_are_html_escaped() {
        let mut s = Substitutions::new();
        s.add_user_pref("x", r#"<b a="1">&'é€"#).unwrap();
        assert_eq!(sub(&s, "__UP_x__"), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;&eacute;&#8364;");
    }

    #[test]
    fn message_values_are_scanned_for_non_message_tokens_only() {
        let mut s = Substitutions::new();
        s.add_message("inner", "I");
        s.add_message("outer", "[__MSG_inner__ __MODULE_ID__ __BIDI_DIR__]");
        s.add_module_id(3);
        s.add_bidi(Direction::Rtl);
        assert_eq!(sub(&s, "__MSG_outer__"), "[__MSG_inner__ 3 rtl]");
    }

    #[test]
    fn values_are_scanned_against_earlier_entries_when_registered() {
        let mut s = Substitutions::new();
        s.add_message("m", "<i>msg</i>");
        // Escaped first, then scanned: the message comes in unescaped.
        s.add_user_pref("a", "__MSG_m__ & __UP_b__ __MODULE_ID__").unwrap();
        s.add_user_pref("b", "[__UP_a__]").unwrap();
        s.add_module_id(9);
        assert_eq!(sub(&s, "__UP_a__"), "<i>msg</i> &amp; __UP_b__ __MODULE_ID__");
        assert_eq!(sub(&s, "__UP_b__"), "[<i>msg</i> &amp; __UP_b__ __MODULE_ID__]");
        // Substitution is not repeated on its own output.
        assert_eq!(sub(&s, "__UP_b__").matches("__UP_b__").count(), 1);
    }

    #[test]
    fn later_message_replaces_earlier() {
        let mut s = Substitutions::new();
        s.add_message("k", "one");
        s.add_message("k", "two");
        assert_eq!(sub(&s, "__MSG_k__"), "two");
    }

    #[test]
    fn rendering_registers_declared_prefs_only_and_never_authorization_from_the_url() {
        let spec = spec::parse(
            r#"<Module><ModulePrefs/>
            <UserPref name="host" default_value="h0"/>
            <UserPref name="id"/>
            <UserPref name="authorization" default_value="spec-default"/>
            <Content/></Module>"#,
        )
        .unwrap();
        let request = [
            ("host".to_owned(), "finesse.example".to_owned()),
            ("other".to_owned(), "o".to_owned()),
            ("authorization".to_owned(), "c2VjcmV0".to_owned()),
        ];
        let s = Substitutions::for_rendering(
            &spec,
            &[("t".into(), "T".into())],
            &request,
            5,
            Direction::Ltr,
        )
        .unwrap();
        assert_eq!(
            sub(
                &s,
                "__UP_host__|__UP_id__|__UP_other__|__UP_authorization__|__MSG_t__|__MODULE_ID__"
            ),
            "finesse.example||__UP_other__|spec-default|T|5"
        );
    }

    #[test]
    fn apply_to_spec_covers_the_listed_places() {
        let spec = spec::parse(
            r#"<Module><ModulePrefs title="__MSG_t__"><Preload href="__MSG_t__"/><Icon>__MSG_t__</Icon>
                 <Link rel="r" href="__MSG_t__"/><Require feature="__MSG_t__"/></ModulePrefs>
               <UserPref name="p" display_name="__MSG_t__" default_value="__MSG_t__" datatype="enum">
                 <EnumValue value="__MSG_t__" display_value="__MSG_t__"/></UserPref>
               <Content type="url" href="/__MSG_t__" preferred_height="__MSG_t__"/></Module>"#,
        )
        .unwrap();
        let mut s = Substitutions::new();
        s.add_message("t", "T");
        let out = s.apply_to_spec(&spec).unwrap();
        assert_eq!(out.module_prefs.title(), "T");
        assert_eq!(out.module_prefs.preloads, ["T"]);
        assert_eq!(out.module_prefs.icons, ["T"]);
        assert_eq!(out.module_prefs.links[0].1, "T");
        // Feature names and enum values are not substitution targets.
        assert_eq!(out.module_prefs.features[0].name, "__MSG_t__");
        assert_eq!(out.user_prefs[0].display_name, "T");
        assert_eq!(out.user_prefs[0].default_value, "T");
        assert_eq!(out.user_prefs[0].enum_values[0], ("__MSG_t__".into(), "T".into()));
        assert_eq!(out.contents[0].href.as_deref(), Some("/T"));
        assert_eq!(out.contents[0].attr("preferred_height"), Some("T"));
    }

    #[test]
    fn expansion_is_bounded() {
        let mut s = Substitutions::new();
        s.add_message("big", &"x".repeat(1024 * 1024));
        assert_eq!(s.substitute(&"__MSG_big__".repeat(8)).map(|o| o.len()), Ok(8 * 1024 * 1024));
        assert_eq!(s.substitute(&"__MSG_big__".repeat(17)), Err(TooLarge));
        assert_eq!(s.add_user_pref("p", &"__MSG_big__".repeat(17)), Err(TooLarge));
    }

    #[test]
    fn html_escape_latin1_table() {
        assert_eq!(html_escape("\u{a0}"), "&nbsp;");
        assert_eq!(html_escape("×÷ÿ"), "&times;&divide;&yuml;");
        assert_eq!(html_escape("plain ASCII =+/"), "plain ASCII =+/");
        assert_eq!(html_escape("😀"), "&#128512;");
    }
}
