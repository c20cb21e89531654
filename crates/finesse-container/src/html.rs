//! Just enough HTML for document assembly (OPENSOCIAL.md §6.5): split a gadget's Content into
//! doctype, `<html>` attributes, head, `<body>` attributes and body (html/head/body are implied
//! when missing), rewriting the relative resource URLs Shindig rewrites on the way, and make
//! text safe inside `<script>`.
//!
//! The scanner is a small subset of the HTML tokenizer: comments, doctype, start and end tags
//! with quoted or unquoted attributes, and the raw-text elements (`script`, `style`, …) whose
//! content is skipped as a whole, so a `</head>` or `</body>` inside a script does not count.
//! Everything it does not change is copied byte for byte.

use std::borrow::Cow;

use url::Url;

/// An attribute: its lower-cased name and decoded value (`None` for a bare attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    pub(crate) name: String,
    pub(crate) value: Option<String>,
}

/// A Content split into the parts the renderer re-assembles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Parts {
    /// The doctype, verbatim, when it is the first thing in the Content.
    pub(crate) doctype: Option<String>,
    /// Attributes of the Content's own `<html>` tag.
    pub(crate) html_attrs: Vec<Attr>,
    /// The Content's head content (without the `<head>` tags).
    pub(crate) head: String,
    /// Attributes of the Content's own `<body>` tag.
    pub(crate) body_attrs: Vec<Attr>,
    /// The body content (without the `<body>` and `</html>` tags).
    pub(crate) body: String,
}

#[derive(Debug)]
enum Token<'a> {
    Text(&'a str),
    Comment(&'a str),
    Doctype(&'a str),
    Start { name: String, attrs: Vec<Attr>, raw: &'a str, self_closing: bool },
    End { name: String, raw: &'a str },
}

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: [&str; 9] =
    ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

struct Tokenizer<'a> {
    input: &'a str,
    pos: usize,
    /// Inside a raw-text element: its name.
    raw_until: Option<String>,
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

impl<'a> Tokenizer<'a> {
    fn new(input: &'a str) -> Self {
        Self { input, pos: 0, raw_until: None }
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// Consumes `len` bytes and returns them.
    fn take(&mut self, len: usize) -> &'a str {
        let s = &self.input[self.pos..self.pos + len];
        self.pos += len;
        s
    }

    fn raw_text(&mut self, name: &str) -> &'a str {
        let rest = self.rest();
        let close = format!("</{name}");
        let mut from = 0;
        while let Some(i) = find_ci(&rest[from..], &close) {
            let at = from + i;
            let after = rest.as_bytes().get(at + close.len()).copied();
            if matches!(after, None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')) {
                return self.take(at);
            }
            from = at + close.len();
        }
        self.take(rest.len())
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        if self.pos >= self.input.len() {
            return None;
        }
        if let Some(name) = self.raw_until.take() {
            let text = self.raw_text(&name);
            if !text.is_empty() {
                return Some(Token::Text(text));
            }
        }
        let rest = self.rest();
        let bytes = rest.as_bytes();
        if bytes[0] == b'<' {
            if let Some(after) = rest.strip_prefix("<!--") {
                let len = after.find("-->").map_or(rest.len(), |i| 4 + i + 3);
                return Some(Token::Comment(self.take(len)));
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                let len = rest.find('>').map_or(rest.len(), |i| i + 1);
                let raw = self.take(len);
                let is_doctype =
                    raw.as_bytes().get(2..9).is_some_and(|d| d.eq_ignore_ascii_case(b"doctype"));
                return Some(if is_doctype { Token::Doctype(raw) } else { Token::Comment(raw) });
            }
            if rest.starts_with("</") && bytes.get(2).is_some_and(u8::is_ascii_alphabetic) {
                let len = rest.find('>').map_or(rest.len(), |i| i + 1);
                let raw = self.take(len);
                let name = raw[2..]
                    .split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                return Some(Token::End { name, raw });
            }
            if bytes.get(1).is_some_and(u8::is_ascii_alphabetic)
                && let Some((len, name, attrs, self_closing)) = parse_start_tag(rest)
            {
                let raw = self.take(len);
                if RAW_TEXT.contains(&name.as_str()) && !self_closing {
                    self.raw_until = Some(name.clone());
                }
                return Some(Token::Start { name, attrs, raw, self_closing });
            }
        }
        // Text up to the next `<` that is not this one (a literal `<` is one byte).
        let skip = usize::from(bytes[0] == b'<');
        let len = rest[skip..].find('<').map_or(rest.len(), |i| i + skip);
        Some(Token::Text(self.take(len)))
    }
}

/// Parses a start tag at the beginning of `s`: (length, lower-cased name, attributes,
/// self-closing). `None` when the tag never ends (the rest is then text).
fn parse_start_tag(s: &str) -> Option<(usize, String, Vec<Attr>, bool)> {
    let b = s.as_bytes();
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = 1;
    while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = s[1..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            self_closing = b[i] == b'/';
            i += 1;
        }
        match b.get(i) {
            None => return None,
            Some(b'>') => return Some((i + 1, name, attrs, self_closing)),
            Some(_) => {}
        }
        self_closing = false;
        let start = i;
        i += 1; // the first character may be `=`
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let attr_name = s[start..i].to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        let mut value = None;
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && is_space(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = s[j + 1..].find(q as char)? + j + 1;
                    value = Some(decode_entities(&s[j + 1..end]));
                    i = end + 1;
                }
                Some(_) => {
                    let mut end = j;
                    while end < b.len() && !is_space(b[end]) && b[end] != b'>' {
                        end += 1;
                    }
                    value = Some(decode_entities(&s[j..end]));
                    i = end;
                }
                None => return None,
            }
        }
        // A repeated attribute is ignored, as by the HTML parser.
        if !attrs.iter().any(|a: &Attr| a.name == attr_name) {
            attrs.push(Attr { name: attr_name, value });
        }
    }
}

/// Decodes the character references that matter in URLs and attribute values: `&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&apos;` and numeric ones. Others stay as written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes an attribute value for a double-quoted attribute.
pub(crate) fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Escapes text for an HTML text node.
pub(crate) fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Serializes attributes (` name="value"`…).
pub(crate) fn write_attrs(out: &mut String, attrs: &[Attr]) {
    for attr in attrs {
        out.push(' ');
        out.push_str(&attr.name);
        if let Some(v) = &attr.value {
            out.push_str("=\"");
            out.push_str(&escape_attr(v));
            out.push('"');
        }
    }
}

/// Which attribute of a start tag Shindig makes absolute, if any: `script`, `img`, `input` and
/// `embed` `src`, `body` `background`, and `link` `href` for stylesheets. (Shindig requires
/// `type="text/css"` on the link too; a stylesheet link without `type` is rewritten here as well,
/// since HTML5 pages omit it.)
fn url_attribute(name: &str, attrs: &[Attr]) -> Option<&'static str> {
    let get = |n: &str| attrs.iter().find(|a| a.name == n).and_then(|a| a.value.as_deref());
    match name {
        "script" | "img" | "input" | "embed" => Some("src"),
        "body" => Some("background"),
        "link" => {
            let stylesheet = get("rel").is_some_and(|rel| {
                rel.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("stylesheet"))
            });
            let css = get("type").is_none_or(|t| t.trim().eq_ignore_ascii_case("text/css"));
            (stylesheet && css).then_some("href")
        }
        _ => None,
    }
}

/// Makes `value` absolute against `base` when it is a relative URL.
fn absolutize(value: &str, base: &Url) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match Url::parse(value) {
        Err(url::ParseError::RelativeUrlWithoutBase) => base.join(value).ok().map(String::from),
        _ => None,
    }
}

/// Rewrites the URL attribute of a start tag; `true` when something changed.
fn rewrite_urls(name: &str, attrs: &mut [Attr], base: &Url) -> bool {
    let Some(which) = url_attribute(name, attrs) else { return false };
    let Some(attr) = attrs.iter_mut().find(|a| a.name == which) else { return false };
    let Some(absolute) = attr.value.as_deref().and_then(|v| absolutize(v, base)) else {
        return false;
    };
    attr.value = Some(absolute);
    true
}

fn serialize_start(name: &str, attrs: &[Attr], self_closing: bool) -> String {
    let mut out = format!("<{name}");
    write_attrs(&mut out, attrs);
    out.push_str(if self_closing { "/>" } else { ">" });
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Initial,
    BeforeHead,
    InHead,
    AfterHead,
    InBody,
    /// After `</body>`: whitespace is dropped, anything else goes back into the body.
    AfterBody,
}

/// Splits a Content (already substituted) into its parts, making Shindig's resource URLs
/// absolute against `base` (the spec URL).
pub(crate) fn split(content: &str, base: &Url) -> Parts {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Kind {
        Text,
        Comment,
        Start,
        End,
    }
    let mut parts = Parts::default();
    let mut state = State::Initial;
    let mut tokens = Tokenizer::new(content);
    // Only whitespace and comments seen so far (a doctype must come first).
    let mut at_start = true;
    while let Some(token) = tokens.next_token() {
        let (kind, text, name, attrs): (Kind, Cow<'_, str>, String, Vec<Attr>) = match token {
            Token::Text(t)
                if t.trim().is_empty() && !matches!(state, State::InHead | State::InBody) =>
            {
                // Whitespace around the structural tags is dropped; it would not render.
                continue;
            }
            Token::Text(t) => (Kind::Text, Cow::Borrowed(t), String::new(), vec![]),
            Token::Comment(t) => (Kind::Comment, Cow::Borrowed(t), String::new(), vec![]),
            Token::Doctype(t) => {
                if at_start {
                    parts.doctype = Some(t.to_owned());
                    at_start = false;
                }
                continue;
            }
            Token::End { name, raw } => (Kind::End, Cow::Borrowed(raw), name, vec![]),
            Token::Start { name, mut attrs, raw, self_closing } => {
                let text = if rewrite_urls(&name, &mut attrs, base) {
                    Cow::Owned(serialize_start(&name, &attrs, self_closing))
                } else {
                    Cow::Borrowed(raw)
                };
                (Kind::Start, text, name, attrs)
            }
        };
        at_start &= kind == Kind::Comment;
        let structural = matches!(name.as_str(), "html" | "head" | "body");
        match (state, kind) {
            // Structural end tags are implied by the renderer's own.
            (_, Kind::End) if structural => {
                if state == State::InHead && name == "head" {
                    state = State::AfterHead;
                } else if state == State::InBody && name != "head" {
                    state = State::AfterBody;
                }
            }
            (State::Initial, Kind::Start) if name == "html" => {
                parts.html_attrs = attrs;
                state = State::BeforeHead;
            }
            (State::Initial | State::BeforeHead, Kind::Start) if name == "head" => {
                state = State::InHead;
            }
            (
                State::Initial | State::BeforeHead | State::InHead | State::AfterHead,
                Kind::Start,
            ) if name == "body" => {
                parts.body_attrs = attrs;
                state = State::InBody;
            }
            // A misplaced html/head/body start tag is dropped, as the HTML parser does.
            (_, Kind::Start) if structural => {}
            (State::InHead, _) | (State::Initial | State::BeforeHead, Kind::Comment) => {
                parts.head.push_str(&text);
            }
            _ => {
                state = State::InBody;
                parts.body.push_str(&text);
            }
        }
    }
    parts
}

/// JSON for a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 become `\u` escapes (they
/// only occur inside strings in JSON, where the escape means the same character).
pub(crate) fn script_json(value: &serde_json::Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// JavaScript for a `<script>` element: a `</script` (any case) would end the element early, so
/// it becomes `<\/script`, which means the same in strings, regular expressions and comments.
pub(crate) fn script_js(js: &str) -> Cow<'_, str> {
    if find_ci(js, "</script").is_none() {
        return Cow::Borrowed(js);
    }
    let mut out = String::with_capacity(js.len() + 8);
    let mut rest = js;
    while let Some(i) = find_ci(rest, "</script") {
        out.push_str(&rest[..i]);
        out.push_str("<\\/");
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:8082/gadgets/hello/hello.xml").unwrap()
    }

    fn attr(name: &str, value: &str) -> Attr {
        Attr { name: name.into(), value: Some(value.into()) }
    }

    #[test]
    fn full_document() {
        let parts = split(
            "\n  <!DOCTYPE html>\n<html lang=\"de\" class=x>\n<head>\n<title>T</title>\
             <script>if (a</b) document.write('</head><body>')</script>\n</head>\n\
             <body class=\"claro\" dir=rtl onload='go()'>\n<p>Hi</p>\n</body>\n</html>\n",
            &base(),
        );
        assert_eq!(parts.doctype.as_deref(), Some("<!DOCTYPE html>"));
        assert_eq!(parts.html_attrs, [attr("lang", "de"), attr("class", "x")]);
        assert_eq!(
            parts.head,
            "\n<title>T</title><script>if (a</b) document.write('</head><body>')</script>\n"
        );
        assert_eq!(
            parts.body_attrs,
            [attr("class", "claro"), attr("dir", "rtl"), attr("onload", "go()")]
        );
        assert_eq!(parts.body, "\n<p>Hi</p>\n");
    }

    #[test]
    fn fragment_without_structure_is_body() {
        let parts = split("<div id=\"a\">x</div><script>y()</script>", &base());
        assert_eq!(parts.doctype, None);
        assert_eq!(parts.head, "");
        assert_eq!(parts.body, "<div id=\"a\">x</div><script>y()</script>");
    }

    #[test]
    fn late_doctype_is_dropped_and_text_starts_the_body() {
        let parts = split("Hello <b>you</b><!DOCTYPE html>", &base());
        assert_eq!(parts.doctype, None);
        assert_eq!(parts.body, "Hello <b>you</b>");
    }

    #[test]
    fn head_without_body_tag() {
        let parts = split("<head><style>p{}</style></head><p>x</p></html>", &base());
        assert_eq!(parts.head, "<style>p{}</style>");
        assert_eq!(parts.body, "<p>x</p>");
    }

    #[test]
    fn rewrites_shindig_resource_urls_only() {
        let parts = split(
            "<head><link rel=\"stylesheet\" type=\"text/css\" href=\"css/a.css\">\
             <link rel=\"icon\" href=\"i.ico\"><script src='js/a.js?x=1&amp;y=2'></script>\
             <script src=\"https://cdn.example/x.js\"></script></head>\
             <body background=\"bg.png\"><img src=\"../img/p.png\"/><a href=\"page.html\">p</a>\
             <input type=image src=\"/abs.png\"></body>",
            &base(),
        );
        assert_eq!(
            parts.head,
            "<link rel=\"stylesheet\" type=\"text/css\" \
             href=\"http://127.0.0.1:8082/gadgets/hello/css/a.css\">\
             <link rel=\"icon\" href=\"i.ico\">\
             <script src=\"http://127.0.0.1:8082/gadgets/hello/js/a.js?x=1&amp;y=2\"></script>\
             <script src=\"https://cdn.example/x.js\"></script>"
        );
        assert_eq!(
            parts.body_attrs,
            [attr("background", "http://127.0.0.1:8082/gadgets/hello/bg.png")]
        );
        assert_eq!(
            parts.body,
            "<img src=\"http://127.0.0.1:8082/gadgets/img/p.png\"/><a href=\"page.html\">p</a>\
             <input type=\"image\" src=\"http://127.0.0.1:8082/abs.png\">"
        );
    }

    #[test]
    fn raw_text_elements_hide_tags() {
        let parts = split(
            "<body><textarea></body></textarea><script>'</SCRIPTx>'</script >x</body>",
            &base(),
        );
        assert_eq!(parts.body, "<textarea></body></textarea><script>'</SCRIPTx>'</script >x");
    }

    #[test]
    fn unterminated_constructs_are_text_and_never_panic() {
        for input in ["<", "<a", "<a b='", "<!--", "<!", "</", "</a", "<script>", "a<", "<é>"] {
            let parts = split(input, &base());
            assert!(parts.body.len() + parts.head.len() <= input.len(), "{input}");
        }
        assert_eq!(split("<a b='x", &base()).body, "<a b='x");
        assert_eq!(split("<!-- c", &base()).head, "<!-- c");
    }

    #[test]
    fn content_after_the_body_end_tag() {
        let parts = split("<body>a</body>\n \n</html>\n", &base());
        assert_eq!(parts.body, "a");
        // Anything but whitespace goes back into the body, as the HTML parser puts it.
        let parts = split("<body>a</body><p>late</p></html>", &base());
        assert_eq!(parts.body, "a<p>late</p>");
    }

    /// Every sequence of up to four pieces (structural tags, raw-text elements, unterminated
    /// constructs, multi-byte text) splits without panicking and loses no text.
    #[test]
    fn arbitrary_piece_sequences_never_panic() {
        const PIECES: [&str; 16] = [
            "é",
            "<",
            "<!DOCTYPé",
            "<!--",
            "-->",
            "<html lang='x'>",
            "<head>",
            "</head>",
            "<body dir=rtl>",
            "</body>",
            "<script>",
            "</script>",
            "<img src=\"ü.png\">",
            "&amp;",
            "<a b=\"",
            "\u{2028}>",
        ];
        let n = PIECES.len();
        for len in 1..=4u32 {
            for mut code in 0..n.pow(len) {
                let mut input = String::new();
                for _ in 0..len {
                    input.push_str(PIECES[code % n]);
                    code /= n;
                }
                let parts = split(&input, &base());
                if !input.contains('<') {
                    assert_eq!(parts.body, input);
                }
            }
        }
    }

    #[test]
    fn entity_decoding() {
        assert_eq!(decode_entities("a&amp;b&lt;&#65;&#x42;&copy;&"), "a&b<AB&copy;&");
        assert_eq!(decode_entities("&#xFFFFFFFF;"), "&#xFFFFFFFF;");
    }

    #[test]
    fn json_in_script_is_escaped() {
        let value = serde_json::json!({"a": "</script><!-- & \u{2028}\u{2029}"});
        assert_eq!(
            script_json(&value),
            r#"{"a":"\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029"}"#
        );
        // The escapes parse back to the same value.
        let back: serde_json::Value = serde_json::from_str(&script_json(&value)).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn script_end_tags_in_js_are_escaped() {
        assert_eq!(script_js("var a = 1;"), "var a = 1;");
        assert_eq!(
            script_js("s = '</script>'; t = '</SCRIPT'"),
            "s = '<\\/script>'; t = '<\\/SCRIPT'"
        );
    }
}
