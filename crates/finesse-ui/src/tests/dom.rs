//! A small reader of the server renderer's HTML, so tests can ask for elements by role and
//! accessible name as a browser (or Playwright) would, instead of matching strings.

/// An element or a text.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// An element.
    El(El),
    /// Text (entities decoded).
    Text(String),
}

/// An element.
#[derive(Debug, Clone, Default)]
pub(crate) struct El {
    pub(crate) tag: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Node>,
}

const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"];

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
}

/// Parses a fragment into a root element (tag `#root`). Panics on malformed markup, which the
/// renderer never produces: closing tags must match.
pub(crate) fn parse(html: &str) -> El {
    let mut stack = vec![El { tag: "#root".into(), ..El::default() }];
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").expect("unterminated comment");
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').expect("unterminated closing tag");
            let tag = after[..end].trim().to_ascii_lowercase();
            let el = stack.pop().expect("an open element");
            assert_eq!(el.tag, tag, "mismatched closing tag in {html}");
            stack.last_mut().expect("a parent").children.push(Node::El(el));
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let (el, tail, self_closing) = parse_open_tag(after);
            rest = tail;
            if self_closing || VOID.contains(&el.tag.as_str()) {
                stack.last_mut().expect("a parent").children.push(Node::El(el));
            } else {
                stack.push(el);
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode(&rest[..end]);
            stack.last_mut().expect("a parent").children.push(Node::Text(text));
            rest = &rest[end..];
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements in {html}");
    stack.pop().expect("the root")
}

fn parse_open_tag(s: &str) -> (El, &str, bool) {
    let name_end = s.find(|c: char| c.is_whitespace() || c == '>' || c == '/').expect("a tag");
    let mut el = El { tag: s[..name_end].to_ascii_lowercase(), ..El::default() };
    let mut rest = &s[name_end..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return (el, after, true);
        }
        if let Some(after) = rest.strip_prefix('>') {
            return (el, after, false);
        }
        let end = rest.find(|c: char| c.is_whitespace() || c == '=' || c == '>').expect("attr");
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"').expect("a closing quote");
            el.attrs.push((name, decode(&after[..close])));
            rest = &after[close + 1..];
        } else {
            el.attrs.push((name, String::new()));
        }
    }
}

impl El {
    /// An attribute's value.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Whether the attribute is present.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }

    /// Whether it is disabled.
    pub(crate) fn disabled(&self) -> bool {
        self.has("disabled")
    }

    /// All text inside, as rendered.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        collect_text(self, false, &mut out);
        out
    }

    /// Its accessible name, approximately as a browser computes it: `aria-label`, else the
    /// text inside without `aria-hidden` parts (whitespace collapsed).
    pub(crate) fn name(&self) -> String {
        if let Some(label) = self.attr("aria-label") {
            return label.to_owned();
        }
        let mut out = String::new();
        collect_text(self, true, &mut out);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Its role: explicit, else the implicit one of the elements the components use.
    pub(crate) fn role(&self) -> Option<&str> {
        if let Some(role) = self.attr("role") {
            return Some(role);
        }
        Some(match self.tag.as_str() {
            "button" => "button",
            "select" => "combobox",
            "form" if self.has("aria-label") => "form",
            "section" if self.has("aria-label") => "region",
            "input" => "textbox",
            "ul" => "list",
            "li" => "listitem",
            "table" => "table",
            "th" => "columnheader",
            "option" => "option",
            _ => return None,
        })
    }

    /// Every element inside (depth first, document order).
    pub(crate) fn all(&self) -> Vec<&Self> {
        let mut out = Vec::new();
        fn walk<'a>(el: &'a El, out: &mut Vec<&'a El>) {
            for child in &el.children {
                if let Node::El(c) = child {
                    out.push(c);
                    walk(c, out);
                }
            }
        }
        walk(self, &mut out);
        out
    }

    /// Every element with this role.
    pub(crate) fn by_role(&self, role: &str) -> Vec<&Self> {
        self.all().into_iter().filter(|e| e.role() == Some(role)).collect()
    }

    /// The only element with this role and accessible name (panics if none or several).
    pub(crate) fn get(&self, role: &str, name: &str) -> &Self {
        let found: Vec<&Self> =
            self.by_role(role).into_iter().filter(|e| e.name() == name).collect();
        match found.as_slice() {
            [one] => one,
            _ => panic!("{} {role} named {name:?} in {:#?}", found.len(), self.names(role)),
        }
    }

    /// Whether there is an element with this role and accessible name.
    pub(crate) fn exists(&self, role: &str, name: &str) -> bool {
        self.by_role(role).iter().any(|e| e.name() == name)
    }

    /// The accessible names of the elements with this role, in document order.
    pub(crate) fn names(&self, role: &str) -> Vec<String> {
        self.by_role(role).iter().map(|e| e.name()).collect()
    }

    /// The element with this `data-testid`.
    pub(crate) fn testid(&self, id: &str) -> Option<&Self> {
        self.all().into_iter().find(|e| e.attr("data-testid") == Some(id))
    }

    /// The element with this `id`.
    pub(crate) fn by_id(&self, id: &str) -> Option<&Self> {
        self.all().into_iter().find(|e| e.attr("id") == Some(id))
    }

    /// The `<input>` inside a `<label>` whose text is `label`.
    pub(crate) fn labelled(&self, label: &str) -> &Self {
        self.all()
            .into_iter()
            .filter(|l| l.tag == "label" && l.text().trim() == label)
            .find_map(|l| l.all().into_iter().find(|e| e.tag == "input"))
            .unwrap_or_else(|| panic!("no field labelled {label:?}"))
    }
}

fn collect_text(el: &El, skip_hidden: bool, out: &mut String) {
    for child in &el.children {
        match child {
            Node::Text(t) => out.push_str(t),
            Node::El(c) if skip_hidden && c.attr("aria-hidden") == Some("true") => {}
            Node::El(c) => collect_text(c, skip_hidden, out),
        }
    }
}

#[test]
fn the_reader_reads_names_roles_and_entities() {
    let root = parse(
        "<div role=\"group\" aria-label=\"G\"><button disabled title=\"a &amp; b\">Ready\
         <span aria-hidden=\"true\"> (x)</span></button><input value=\"1\"><p>&lt;b&gt;</p></div>",
    );
    let ready = root.get("button", "Ready");
    assert!(ready.disabled());
    assert_eq!(ready.attr("title"), Some("a & b"));
    assert_eq!(ready.text(), "Ready (x)");
    assert_eq!(root.names("group"), ["G"]);
    assert_eq!(root.by_role("textbox").len(), 1);
    assert!(root.text().contains("<b>"));
}
