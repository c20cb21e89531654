//! The theme stylesheet: contrast of every text colour on its background, focus outlines,
//! target sizes, and nothing Finesse's filters or a reviewer would object to.

use crate::THEME_CSS;

/// The rules: selectors and their declarations (comments removed).
fn rules() -> Vec<(String, Vec<(String, String)>)> {
    let mut css = THEME_CSS.to_owned();
    while let Some(start) = css.find("/*") {
        let end = css[start..].find("*/").map_or(css.len(), |e| start + e + 2);
        css.replace_range(start..end, "");
    }
    css.split('}')
        .filter_map(|chunk| {
            let (selector, body) = chunk.split_once('{')?;
            let decls = body
                .split(';')
                .filter_map(|d| d.split_once(':'))
                .map(|(p, v)| (p.trim().to_owned(), v.trim().to_owned()))
                .collect();
            Some((selector.trim().to_owned(), decls))
        })
        .collect()
}

fn value<'a>(decls: &'a [(String, String)], property: &str) -> Option<&'a str> {
    decls.iter().find(|(p, _)| p == property).map(|(_, v)| v.as_str())
}

/// The relative luminance of `#rgb` or `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let full: String =
        if hex.len() == 3 { hex.chars().flat_map(|c| [c, c]).collect() } else { hex.to_owned() };
    assert_eq!(full.len(), 6, "a hex colour: {hex}");
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&full[i..i + 2], 16).expect("hex")) / 255.0;
        if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn contrast_helpers() {
    assert!((contrast("#000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#777") - 1.0).abs() < 1e-9);
    assert!(contrast("#0d6ebd", "#fff") > 4.5);
    assert!(contrast("#f2a900", "#fff") < 4.5, "the focus colour alone is no text colour");
}

#[test]
fn every_text_colour_has_a_contrast_of_at_least_4_5() {
    let mut checked = 0;
    for (selector, decls) in rules() {
        let Some(color) = value(&decls, "color") else { continue };
        assert!(color.starts_with('#'), "{selector}: colours are hex, got {color}");
        // Without a background of its own, the text sits on the page's white.
        let background = value(&decls, "background")
            .or_else(|| value(&decls, "background-color"))
            .unwrap_or("#ffffff");
        let ratio = contrast(color, background);
        assert!(ratio >= 4.5, "{selector}: {color} on {background} is {ratio:.2}:1");
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} colour rules found");
}

#[test]
fn focus_is_visible_and_targets_are_big_enough() {
    let rules = rules();
    let focus = rules.iter().find(|(s, _)| s == ":focus-visible").expect("a focus rule");
    assert_eq!(value(&focus.1, "outline"), Some("2px solid #f2a900"));
    let button = rules.iter().find(|(s, _)| s == "button").expect("a button rule");
    assert_eq!(value(&button.1, "min-height"), Some("24px"));
    for (selector, decls) in &rules {
        if let Some(h) = value(decls, "min-height") {
            let px: u32 = h.trim_end_matches("px").parse().expect("px");
            assert!(px >= 24, "{selector}: {h}");
        }
        assert_ne!(value(decls, "outline"), Some("none"), "{selector} removes the focus outline");
    }
    let body = rules.iter().find(|(s, _)| s == "body").expect("a body rule");
    assert_eq!(value(&body.1, "font-size"), Some("13px"));
    assert!(value(&body.1, "font-family").is_some_and(|f| f.starts_with("Arial, Helvetica")));
}

#[test]
fn nothing_a_css_filter_rejects() {
    for bad in ["expression(", "javascript:", "@import", "\\", "url("] {
        assert!(!THEME_CSS.to_ascii_lowercase().contains(bad), "{bad:?} in theme.css");
    }
    let opens = THEME_CSS.matches('{').count();
    assert_eq!(opens, THEME_CSS.matches('}').count(), "balanced braces");
    assert_eq!(opens, rules().len(), "every rule parsed");
}

#[test]
fn the_kinds_have_their_colours() {
    let selectors: Vec<String> = rules().into_iter().map(|(s, _)| s).collect();
    for class in [
        ".banner-info",
        ".banner-warning",
        ".banner-error",
        ".agent-state.state-ready",
        ".agent-state.state-not-ready",
        ".call-status.status-active",
        ".state-menu",
        ".dial-pad",
        ".call-card",
    ] {
        assert!(selectors.iter().any(|s| s == class), "{class}");
    }
}
