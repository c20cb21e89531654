//! Gadget XML (OPENSOCIAL.md §6.1): `<Module>` with `<ModulePrefs>` (features, locales, …),
//! `<UserPref>`s and `<Content>`s, and message bundles (`<messagebundle>`).
//!
//! Parsing is lenient where Shindig is (unknown elements and attributes are ignored, an unknown
//! `datatype` reads as `string`) and strict where a mistake would silently render the wrong
//! gadget (a second `<ModulePrefs>`, a duplicate pref, mixed content types for one view, an
//! unknown content `type`). Every failure is a [`SpecError`] naming the element; no input panics.

use crate::xml::{self, Element, Node, clip};

/// Largest spec or message bundle accepted, in bytes.
pub const MAX_SPEC_BYTES: usize = 1024 * 1024;

/// Why a gadget spec or message bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// Not well-formed XML.
    #[error("not well-formed XML: {0}")]
    Syntax(String),
    /// Larger than [`MAX_SPEC_BYTES`].
    #[error("larger than {0} bytes")]
    TooLarge(usize),
    /// Elements nested deeper than the limit.
    #[error("elements nested deeper than {0} levels")]
    TooDeep(usize),
    /// More elements than the limit.
    #[error("more than {0} elements")]
    TooManyElements(usize),
    /// Well-formed, but not a valid gadget spec or bundle: `path` names the element
    /// (`Module/UserPref`), `message` what is wrong with it.
    #[error("{path}: {message}")]
    Invalid {
        /// The element, from the root (`Module/ModulePrefs/Require`).
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn invalid(path: &str, message: impl Into<String>) -> SpecError {
    SpecError::Invalid { path: path.to_owned(), message: message.into() }
}

/// A parsed gadget spec (`<Module>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GadgetSpec {
    /// `specificationVersion` (default `1.0`); ≥ 2 makes the renderer add a doctype.
    pub specification_version: String,
    /// The one `<ModulePrefs>`.
    pub module_prefs: ModulePrefs,
    /// The `<UserPref>`s, in document order (names are unique).
    pub user_prefs: Vec<UserPref>,
    /// The `<Content>`s, in document order (at least one).
    pub contents: Vec<Content>,
}

/// `<ModulePrefs>`: the gadget's metadata, features and locales.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModulePrefs {
    /// Every attribute (`title`, `description`, `author`, `height`, `scrolling`, …), in
    /// document order.
    pub attributes: Vec<(String, String)>,
    /// `<Require>` and `<Optional>`, in document order.
    pub features: Vec<Feature>,
    /// `<Locale>`s, in document order.
    pub locales: Vec<Locale>,
    /// `<Preload href>` URLs (not fetched: the container has no preloading).
    pub preloads: Vec<String>,
    /// `<Icon>` texts.
    pub icons: Vec<String>,
    /// `<Link rel href>` pairs.
    pub links: Vec<(String, String)>,
}

impl ModulePrefs {
    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The `title` attribute, or `""`.
    pub fn title(&self) -> &str {
        self.attr("title").unwrap_or("")
    }
}

/// A `<Require feature>` or `<Optional feature>` with its `<Param>`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature name (`pubsub-2`, `setprefs`, …).
    pub name: String,
    /// `true` for `<Require>`, `false` for `<Optional>`.
    pub required: bool,
    /// `<Param name>value</Param>` pairs, in document order (a name may repeat).
    pub params: Vec<(String, String)>,
}

/// Text direction of a locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Left to right (the default).
    #[default]
    Ltr,
    /// Right to left.
    Rtl,
}

impl Direction {
    /// `ltr` or `rtl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ltr => "ltr",
            Self::Rtl => "rtl",
        }
    }
}

/// `<Locale>`: which messages apply to a language and country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// Language, lower-cased; `all` when absent.
    pub lang: String,
    /// Country, upper-cased; `ALL` when absent.
    pub country: String,
    /// The `messages` bundle URL as written (resolved against the spec URL when fetched).
    pub messages: Option<String>,
    /// `language_direction`, when given.
    pub direction: Option<Direction>,
    /// `views` (comma list) the locale is limited to; empty: every view.
    pub views: Vec<String>,
    /// Inline `<msg name>` messages, in document order (they override the fetched bundle).
    pub inline_messages: Vec<(String, String)>,
}

/// `<UserPref datatype>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataType {
    /// `string` (the default, also for unknown values, as Shindig reads them).
    #[default]
    String,
    /// `hidden` (Finesse: custom prefs must be hidden or the agent is prompted).
    Hidden,
    /// `bool`.
    Bool,
    /// `enum`.
    Enum,
    /// `list`.
    List,
    /// `number`.
    Number,
}

/// `<UserPref>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPref {
    /// `name` (required, unique in the spec, case-sensitive).
    pub name: String,
    /// `display_name`, defaulting to the name.
    pub display_name: String,
    /// `default_value`, defaulting to `""`.
    pub default_value: String,
    /// `required="true"`.
    pub required: bool,
    /// `datatype`.
    pub datatype: DataType,
    /// `<EnumValue value display_value>` as `(value, display value)`.
    pub enum_values: Vec<(String, String)>,
}

/// `<Content type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContentType {
    /// `html` (the default): the body is the gadget document.
    #[default]
    Html,
    /// `url`: the gadget lives at `href`.
    Url,
    /// `html-sanitized`: parsed, but this container does not render it.
    HtmlSanitized,
}

/// `<Content>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// `type`.
    pub content_type: ContentType,
    /// `view` (comma list), `["default"]` when absent.
    pub views: Vec<String>,
    /// `href` (required for `type="url"`).
    pub href: Option<String>,
    /// Every attribute other than `type`, `view` and `href` (`preferred_height`, `quirks`, …).
    pub attributes: Vec<(String, String)>,
    /// The text (usually CDATA).
    pub body: String,
}

impl Content {
    /// An attribute's value (`preferred_height`, `quirks`, …).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A message bundle: `<messagebundle><msg name="k">text</msg>…</messagebundle>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageBundle {
    /// `(name, text)` in document order; a repeated name keeps the last text when merged.
    pub messages: Vec<(String, String)>,
}

fn check_size(xml: &str) -> Result<(), SpecError> {
    if xml.len() > MAX_SPEC_BYTES { Err(SpecError::TooLarge(MAX_SPEC_BYTES)) } else { Ok(()) }
}

fn split_list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn parse_bool(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// No non-whitespace text directly in a structural element.
fn no_stray_text(el: &Element, path: &str) -> Result<(), SpecError> {
    for child in &el.children {
        if let Node::Text(t) = child
            && !t.trim().is_empty()
        {
            return Err(invalid(path, format!("unexpected text `{}`", clip(t))));
        }
    }
    Ok(())
}

/// Parses a gadget spec.
///
/// # Errors
/// [`SpecError`] when the text is too large, not well-formed, or not a valid `<Module>`.
pub fn parse(xml: &str) -> Result<GadgetSpec, SpecError> {
    check_size(xml)?;
    let root = xml::parse(xml)?;
    if root.name != "Module" {
        return Err(invalid(&root.name, "the root element must be <Module>"));
    }
    no_stray_text(&root, "Module")?;
    let specification_version = root.attr("specificationVersion").unwrap_or("1.0").to_owned();
    let mut module_prefs = None;
    let mut user_prefs: Vec<UserPref> = Vec::new();
    let mut contents = Vec::new();
    let mut external_services = 0;
    for child in root.elements() {
        match child.name.as_str() {
            "ModulePrefs" => {
                if module_prefs.is_some() {
                    return Err(invalid("Module", "more than one <ModulePrefs>"));
                }
                module_prefs = Some(parse_module_prefs(child)?);
            }
            "UserPref" => {
                let pref = parse_user_pref(child)?;
                if user_prefs.iter().any(|p| p.name == pref.name) {
                    return Err(invalid(
                        "Module/UserPref",
                        format!("duplicate UserPref name `{}`", clip(&pref.name)),
                    ));
                }
                user_prefs.push(pref);
            }
            "Content" => contents.push(parse_content(child)?),
            "ExternalServices" => {
                external_services += 1;
                if external_services > 1 {
                    return Err(invalid("Module", "more than one <ExternalServices>"));
                }
            }
            _ => {}
        }
    }
    let module_prefs = module_prefs.ok_or_else(|| invalid("Module", "no <ModulePrefs>"))?;
    if contents.is_empty() {
        return Err(invalid("Module", "no <Content>"));
    }
    check_views(&contents)?;
    Ok(GadgetSpec { specification_version, module_prefs, user_prefs, contents })
}

/// Several `<Content>`s of one view are concatenated: they must have the same type, and only
/// `html` can be concatenated.
fn check_views(contents: &[Content]) -> Result<(), SpecError> {
    for (i, content) in contents.iter().enumerate() {
        for view in &content.views {
            let earlier = contents[..i].iter().find(|c| c.views.contains(view));
            if let Some(earlier) = earlier {
                if earlier.content_type != content.content_type {
                    return Err(invalid(
                        "Module/Content",
                        format!("view `{}` mixes content types", clip(view)),
                    ));
                }
                if content.content_type == ContentType::Url {
                    return Err(invalid(
                        "Module/Content",
                        format!("view `{}` has more than one type=\"url\" content", clip(view)),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn parse_module_prefs(el: &Element) -> Result<ModulePrefs, SpecError> {
    const PATH: &str = "Module/ModulePrefs";
    no_stray_text(el, PATH)?;
    let mut prefs = ModulePrefs { attributes: el.attrs.clone(), ..ModulePrefs::default() };
    for child in el.elements() {
        match child.name.as_str() {
            "Require" | "Optional" => {
                let path = format!("{PATH}/{}", child.name);
                no_stray_text(child, &path)?;
                let name = child
                    .attr("feature")
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .ok_or_else(|| invalid(&path, "no `feature` attribute"))?;
                let mut params = Vec::new();
                for param in child.elements().filter(|e| e.name == "Param") {
                    let name = param
                        .attr("name")
                        .filter(|n| !n.is_empty())
                        .ok_or_else(|| invalid(&format!("{path}/Param"), "no `name` attribute"))?;
                    params.push((name.to_owned(), param.text().trim().to_owned()));
                }
                prefs.features.push(Feature {
                    name: name.to_owned(),
                    required: child.name == "Require",
                    params,
                });
            }
            "Locale" => prefs.locales.push(parse_locale(child)?),
            "Preload" => {
                let href = child
                    .attr("href")
                    .ok_or_else(|| invalid(&format!("{PATH}/Preload"), "no `href` attribute"))?;
                prefs.preloads.push(href.to_owned());
            }
            "Icon" => prefs.icons.push(child.text().trim().to_owned()),
            "Link" => {
                let path = format!("{PATH}/Link");
                let rel = child.attr("rel").ok_or_else(|| invalid(&path, "no `rel` attribute"))?;
                let href =
                    child.attr("href").ok_or_else(|| invalid(&path, "no `href` attribute"))?;
                prefs.links.push((rel.to_owned(), href.to_owned()));
            }
            _ => {}
        }
    }
    Ok(prefs)
}

fn parse_locale(el: &Element) -> Result<Locale, SpecError> {
    const PATH: &str = "Module/ModulePrefs/Locale";
    no_stray_text(el, PATH)?;
    let lang = el.attr("lang").map(str::trim).filter(|s| !s.is_empty()).unwrap_or("all");
    let country = el.attr("country").map(str::trim).filter(|s| !s.is_empty()).unwrap_or("ALL");
    let direction = match el.attr("language_direction").map(str::trim) {
        None | Some("") => None,
        Some(d) if d.eq_ignore_ascii_case("ltr") => Some(Direction::Ltr),
        Some(d) if d.eq_ignore_ascii_case("rtl") => Some(Direction::Rtl),
        Some(d) => {
            return Err(invalid(
                PATH,
                format!("language_direction `{}` is neither ltr nor rtl", clip(d)),
            ));
        }
    };
    let messages = el.attr("messages").map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned);
    let mut inline_messages = Vec::new();
    for child in el.elements() {
        match child.name.as_str() {
            "msg" => inline_messages.push(parse_msg(child, PATH)?),
            // Some specs wrap inline messages in a <messagebundle>.
            "messagebundle" => {
                for msg in child.elements().filter(|e| e.name == "msg") {
                    inline_messages.push(parse_msg(msg, PATH)?);
                }
            }
            _ => {}
        }
    }
    Ok(Locale {
        lang: lang.to_ascii_lowercase(),
        country: country.to_ascii_uppercase(),
        messages,
        direction,
        views: el.attr("views").map(split_list).unwrap_or_default(),
        inline_messages,
    })
}

fn parse_msg(el: &Element, parent: &str) -> Result<(String, String), SpecError> {
    let name = el
        .attr("name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid(&format!("{parent}/msg"), "no `name` attribute"))?;
    // Shindig keeps the text content; markup inside a message contributes its text.
    Ok((name.to_owned(), el.deep_text()))
}

fn parse_user_pref(el: &Element) -> Result<UserPref, SpecError> {
    const PATH: &str = "Module/UserPref";
    no_stray_text(el, PATH)?;
    let name = el
        .attr("name")
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| invalid(PATH, "no `name` attribute"))?
        .to_owned();
    let datatype = match el.attr("datatype").map(|d| d.trim().to_ascii_lowercase()).as_deref() {
        Some("hidden") => DataType::Hidden,
        Some("bool") => DataType::Bool,
        Some("enum") => DataType::Enum,
        Some("list") => DataType::List,
        Some("number") => DataType::Number,
        _ => DataType::String,
    };
    let mut enum_values = Vec::new();
    for ev in el.elements().filter(|e| e.name == "EnumValue") {
        let value = ev
            .attr("value")
            .ok_or_else(|| invalid(&format!("{PATH}/EnumValue"), "no `value` attribute"))?;
        let display = ev.attr("display_value").unwrap_or(value);
        enum_values.push((value.to_owned(), display.to_owned()));
    }
    Ok(UserPref {
        display_name: el.attr("display_name").unwrap_or(&name).to_owned(),
        default_value: el.attr("default_value").unwrap_or("").to_owned(),
        required: parse_bool(el.attr("required")),
        datatype,
        enum_values,
        name,
    })
}

fn parse_content(el: &Element) -> Result<Content, SpecError> {
    const PATH: &str = "Module/Content";
    if let Some(child) = el.elements().next() {
        return Err(invalid(
            PATH,
            format!(
                "unexpected element <{}> (put the HTML in a <![CDATA[ … ]]> section)",
                clip(&child.name)
            ),
        ));
    }
    let content_type = match el.attr("type").map(str::trim) {
        None | Some("") => ContentType::Html,
        Some(t) if t.eq_ignore_ascii_case("html") => ContentType::Html,
        Some(t) if t.eq_ignore_ascii_case("url") => ContentType::Url,
        Some(t) if t.eq_ignore_ascii_case("html-sanitized") => ContentType::HtmlSanitized,
        Some(t) => {
            return Err(invalid(
                PATH,
                format!("type `{}` is not html, url or html-sanitized", clip(t)),
            ));
        }
    };
    let mut views = el.attr("view").map(split_list).unwrap_or_default();
    if views.is_empty() {
        views.push("default".to_owned());
    }
    let href = el.attr("href").map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned);
    if content_type == ContentType::Url && href.is_none() {
        return Err(invalid(PATH, "type=\"url\" needs an `href`"));
    }
    let attributes = el
        .attrs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "type" | "view" | "href"))
        .cloned()
        .collect();
    Ok(Content { content_type, views, href, attributes, body: el.text() })
}

/// Parses a message bundle document.
///
/// # Errors
/// [`SpecError`] when the text is too large, not well-formed, not a `<messagebundle>`, or a
/// `<msg>` has no name.
pub fn parse_message_bundle(xml: &str) -> Result<MessageBundle, SpecError> {
    check_size(xml)?;
    let root = xml::parse(xml)?;
    if root.name != "messagebundle" {
        return Err(invalid(&root.name, "the root element must be <messagebundle>"));
    }
    let mut messages = Vec::new();
    for msg in root.elements().filter(|e| e.name == "msg") {
        messages.push(parse_msg(msg, "messagebundle")?);
    }
    Ok(MessageBundle { messages })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Module specificationVersion="2.0">
  <ModulePrefs title="__MSG_title__" description="d" scrolling="true">
    <Require feature="pubsub-2"/>
    <Require feature="loadingindicator">
      <Param name="manual-dismiss">true</Param>
      <Param name="loading-timeout">15</Param>
    </Require>
    <Optional feature="dynamic-height"/>
    <Locale messages="msgs/all_ALL.xml"/>
    <Locale lang="FR" country="ca" language_direction="rtl" views="home, canvas">
      <msg name="hi">Bonjour &amp; salut</msg>
    </Locale>
    <Preload href="http://x/p"/>
    <Icon>icon.png</Icon>
    <Link rel="icon" href="i.ico"/>
  </ModulePrefs>
  <UserPref name="id" datatype="HIDDEN"/>
  <UserPref name="color" display_name="Colour" default_value="red" datatype="enum" required="true">
    <EnumValue value="red" display_value="Red"/>
    <EnumValue value="blue"/>
  </UserPref>
  <Content type="html" view="home,canvas" preferred_height="200"><![CDATA[<b>a</b>]]></Content>
  <Content view="canvas"><![CDATA[<i>b</i>]]></Content>
</Module>"#;

    #[test]
    fn parses_a_complete_spec() {
        let spec = parse(HELLO).unwrap();
        assert_eq!(spec.specification_version, "2.0");
        let mp = &spec.module_prefs;
        assert_eq!(mp.title(), "__MSG_title__");
        assert_eq!(mp.attr("scrolling"), Some("true"));
        assert_eq!(mp.features.len(), 3);
        assert_eq!(
            mp.features[1],
            Feature {
                name: "loadingindicator".into(),
                required: true,
                params: vec![
                    ("manual-dismiss".into(), "true".into()),
                    ("loading-timeout".into(), "15".into())
                ],
            }
        );
        assert!(!mp.features[2].required);
        assert_eq!(mp.locales[0].lang, "all");
        assert_eq!(mp.locales[0].country, "ALL");
        assert_eq!(mp.locales[0].messages.as_deref(), Some("msgs/all_ALL.xml"));
        assert_eq!(mp.locales[1].lang, "fr");
        assert_eq!(mp.locales[1].country, "CA");
        assert_eq!(mp.locales[1].direction, Some(Direction::Rtl));
        assert_eq!(mp.locales[1].views, ["home", "canvas"]);
        assert_eq!(mp.locales[1].inline_messages, [("hi".into(), "Bonjour & salut".into())]);
        assert_eq!(mp.preloads, ["http://x/p"]);
        assert_eq!(mp.icons, ["icon.png"]);
        assert_eq!(mp.links, [("icon".into(), "i.ico".into())]);
        assert_eq!(spec.user_prefs[0].datatype, DataType::Hidden);
        assert_eq!(spec.user_prefs[0].display_name, "id");
        assert_eq!(spec.user_prefs[0].default_value, "");
        let color = &spec.user_prefs[1];
        assert_eq!(color.display_name, "Colour");
        assert!(color.required);
        assert_eq!(color.datatype, DataType::Enum);
        assert_eq!(
            color.enum_values,
            [("red".into(), "Red".into()), ("blue".into(), "blue".into())]
        );
        assert_eq!(spec.contents[0].views, ["home", "canvas"]);
        assert_eq!(spec.contents[0].attr("preferred_height"), Some("200"));
        assert_eq!(spec.contents[0].body, "<b>a</b>");
        assert_eq!(spec.contents[1].content_type, ContentType::Html);
    }

    #[test]
    fn defaults_for_a_minimal_spec() {
        let spec = parse("<Module><ModulePrefs/><Content>hi &lt;b&gt;</Content></Module>").unwrap();
        assert_eq!(spec.specification_version, "1.0");
        assert_eq!(spec.module_prefs.title(), "");
        assert_eq!(spec.contents[0].views, ["default"]);
        assert_eq!(spec.contents[0].content_type, ContentType::Html);
        assert_eq!(spec.contents[0].body, "hi <b>");
    }

    #[test]
    fn url_content_and_unknown_elements() {
        let spec = parse(
            r#"<Module><ModulePrefs><Future/></ModulePrefs><Unknown/>
            <UserPref name="x" datatype="whatever"/>
            <Content type="URL" href=" http://example.com/g " view=" , home"/></Module>"#,
        )
        .unwrap();
        assert_eq!(spec.contents[0].content_type, ContentType::Url);
        assert_eq!(spec.contents[0].href.as_deref(), Some("http://example.com/g"));
        assert_eq!(spec.contents[0].views, ["home"]);
        assert_eq!(spec.user_prefs[0].datatype, DataType::String);
    }

    #[test]
    fn parses_message_bundles() {
        let bundle = parse_message_bundle(
            r#"<?xml version="1.0"?><messagebundle>
              <msg name="a">A &lt;1&gt;</msg><msg name="b"><![CDATA[<b>B</b>]]></msg>
            </messagebundle>"#,
        )
        .unwrap();
        assert_eq!(
            bundle.messages,
            [("a".into(), "A <1>".into()), ("b".into(), "<b>B</b>".into())]
        );
        assert!(matches!(
            parse_message_bundle("<bundle/>"),
            Err(SpecError::Invalid { message, .. }) if message.contains("<messagebundle>")
        ));
        assert!(parse_message_bundle("<messagebundle><msg>x</msg></messagebundle>").is_err());
    }

    /// Every malformed spec fails with a message that names what is wrong.
    #[test]
    fn malformed_specs_fail_with_clear_errors() {
        let cases: &[(&str, &str)] = &[
            ("", "no root element"),
            ("not xml at all", "text outside the root"),
            ("<Module><ModulePrefs></Module>", "not well-formed"),
            ("<Gadget/>", "Gadget: the root element must be <Module>"),
            ("<Module><Content/></Module>", "Module: no <ModulePrefs>"),
            ("<Module><ModulePrefs/></Module>", "Module: no <Content>"),
            (
                "<Module><ModulePrefs/><ModulePrefs/><Content/></Module>",
                "more than one <ModulePrefs>",
            ),
            (
                r#"<Module><ModulePrefs/><UserPref name="a"/><UserPref name="a"/><Content/></Module>"#,
                "duplicate UserPref name `a`",
            ),
            (
                "<Module><ModulePrefs/><UserPref/><Content/></Module>",
                "Module/UserPref: no `name` attribute",
            ),
            (
                r#"<Module><ModulePrefs/><Content type="url"/></Module>"#,
                "type=\"url\" needs an `href`",
            ),
            (
                r#"<Module><ModulePrefs/><Content type="flash"/></Module>"#,
                "type `flash` is not html, url or html-sanitized",
            ),
            (
                r#"<Module><ModulePrefs/><Content view="home">a</Content><Content type="url" href="x" view="home"/></Module>"#,
                "view `home` mixes content types",
            ),
            (
                r#"<Module><ModulePrefs/><Content type="url" href="a"/><Content type="url" href="b"/></Module>"#,
                "more than one type=\"url\" content",
            ),
            (
                "<Module><ModulePrefs><Require/></ModulePrefs><Content/></Module>",
                "Module/ModulePrefs/Require: no `feature` attribute",
            ),
            (
                r#"<Module><ModulePrefs><Require feature="x"><Param>1</Param></Require></ModulePrefs><Content/></Module>"#,
                "Require/Param: no `name` attribute",
            ),
            (
                r#"<Module><ModulePrefs><Locale language_direction="up"/></ModulePrefs><Content/></Module>"#,
                "language_direction `up` is neither ltr nor rtl",
            ),
            (
                "<Module><ModulePrefs/><Content><div>x</div></Content></Module>",
                "unexpected element <div> (put the HTML in a <![CDATA[",
            ),
            ("<Module>stray<ModulePrefs/><Content/></Module>", "Module: unexpected text `stray`"),
            (
                "<Module><ModulePrefs/><ExternalServices/><ExternalServices/><Content/></Module>",
                "more than one <ExternalServices>",
            ),
            ("<Module><ModulePrefs/><Content>&nbsp;</Content></Module>", "unknown entity"),
        ];
        for (xml, needle) in cases {
            let err = parse(xml).expect_err(xml).to_string();
            assert!(err.contains(needle), "{xml}\n  gave: {err}\n  expected: {needle}");
        }
    }

    #[test]
    fn size_and_depth_limits() {
        let big = format!(
            "<Module><ModulePrefs/><Content>{}</Content></Module>",
            "x".repeat(MAX_SPEC_BYTES)
        );
        assert_eq!(parse(&big), Err(SpecError::TooLarge(MAX_SPEC_BYTES)));
        let deep = format!(
            "<Module><ModulePrefs/><Content/>{}{}</Module>",
            "<x>".repeat(100),
            "</x>".repeat(100)
        );
        assert_eq!(parse(&deep), Err(SpecError::TooDeep(xml::MAX_DEPTH)));
    }

    /// Arbitrary prefixes of a valid spec and byte-level mutations never panic.
    #[test]
    fn truncated_and_mutated_input_never_panics() {
        for end in 0..HELLO.len() {
            if HELLO.is_char_boundary(end) {
                let _ = parse(&HELLO[..end]);
            }
        }
        let bytes = HELLO.as_bytes();
        for (i, replacement) in
            (0..bytes.len()).zip([b'<', b'>', b'&', b'"', b'/', b'!'].iter().cycle())
        {
            let mut mutated = bytes.to_vec();
            mutated[i] = *replacement;
            if let Ok(text) = std::str::from_utf8(&mutated) {
                let _ = parse(text);
            }
        }
    }
}
