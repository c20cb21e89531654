//! The few DOM operations the components need: moving keyboard focus, ids that are unique in
//! the page for `aria-describedby`/`aria-controls`, and the document's title for the gadgets.
//! On the server no element exists, so every function here does nothing there.

use std::sync::atomic::{AtomicU32, Ordering};

use web_sys::wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, HtmlElement, Node};
use yew::NodeRef;

/// A number no other component instance of this page has, for element ids.
pub(crate) fn next_uid() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Sets the document's `<title>` (its name for assistive technology: a gadget's frame document
/// often has none, which axe-core counts as a serious violation). Nothing happens without a
/// document.
pub fn set_document_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Focuses the element, if it is rendered.
pub(crate) fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<HtmlElement>() {
        el.focus().ok();
    }
}

/// The enabled buttons inside `container`, in document order.
fn enabled_buttons(container: &NodeRef) -> Vec<HtmlElement> {
    let Some(root) = container.cast::<Element>() else { return Vec::new() };
    let Ok(list) = root.query_selector_all("button:not([disabled])") else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Focuses the first enabled button inside `container`.
pub(crate) fn focus_first_button(container: &NodeRef) {
    if let Some(first) = enabled_buttons(container).first() {
        first.focus().ok();
    }
}

/// Focuses the first element inside `container` that matches `selector`.
pub(crate) fn focus_first(container: &NodeRef, selector: &str) {
    let first = container.cast::<Element>().and_then(|root| root.query_selector(selector).ok());
    if let Some(el) = first.flatten().and_then(|el| el.dyn_into::<HtmlElement>().ok()) {
        el.focus().ok();
    }
}

/// Where the arrow keys of a menu move the focus from position `at` of `len` items.
pub(crate) fn menu_step(key: &str, at: Option<usize>, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    match (key, at) {
        ("Home", _) | ("ArrowDown", None) => Some(0),
        ("End", _) | ("ArrowUp", None) => Some(len - 1),
        ("ArrowDown", Some(i)) => Some((i + 1) % len),
        ("ArrowUp", Some(i)) => Some((i + len - 1) % len),
        _ => None,
    }
}

/// Moves the focus among the enabled buttons of `container` for a menu key (arrows, Home,
/// End), from the button `from` (the event's target). Returns whether the key was one.
pub(crate) fn move_focus(container: &NodeRef, from: Option<EventTarget>, key: &str) -> bool {
    if !matches!(key, "ArrowDown" | "ArrowUp" | "Home" | "End") {
        return false;
    }
    let buttons = enabled_buttons(container);
    let from = from.and_then(|t| t.dyn_into::<Node>().ok());
    let at = from.and_then(|f| buttons.iter().position(|b| b.is_same_node(Some(&f))));
    if let Some(next) = menu_step(key, at, buttons.len()).and_then(|i| buttons.get(i)) {
        next.focus().ok();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_wrap_around_the_menu() {
        assert_eq!(menu_step("ArrowDown", Some(0), 3), Some(1));
        assert_eq!(menu_step("ArrowDown", Some(2), 3), Some(0));
        assert_eq!(menu_step("ArrowUp", Some(0), 3), Some(2));
        assert_eq!(menu_step("ArrowUp", None, 3), Some(2));
        assert_eq!(menu_step("ArrowDown", None, 3), Some(0));
        assert_eq!(menu_step("Home", Some(2), 3), Some(0));
        assert_eq!(menu_step("End", Some(0), 3), Some(2));
        assert_eq!(menu_step("Enter", Some(0), 3), None);
        assert_eq!(menu_step("ArrowDown", None, 0), None);
    }

    #[test]
    fn ids_are_unique() {
        let (a, b) = (next_uid(), next_uid());
        assert_ne!(a, b);
    }
}
