//! The shared module's entry point: mounts the gadget the page names.
//!
//! Every gadget XML (and every standalone page) sets `<html data-gadget="NAME">` before it
//! loads this module; a bare page may name it in the query (`?gadget=NAME`). One module for
//! all gadgets means a desktop with several of them downloads and compiles the code once
//! (the iframes share the browser's HTTP cache), instead of once per gadget.

fn main() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let named = document
        .document_element()
        .and_then(|root| root.get_attribute("data-gadget"))
        .or_else(|| call_control::query("gadget"))
        .unwrap_or_default();
    match named.as_str() {
        "call-control" => {
            yew::Renderer::<call_control::App>::new().render();
        }
        "connection" => {
            yew::Renderer::<connection::App>::new().render();
        }
        "queue-statistics" => {
            yew::Renderer::<queue_statistics::App>::new().render();
        }
        "team-performance" => {
            yew::Renderer::<team_performance::App>::new().render();
        }
        other => {
            // Not a gadget of this module: say so in the page rather than stay blank.
            if let Some(body) = document.body() {
                let text = if other.is_empty() {
                    "No gadget named: the page must set <html data-gadget=\"NAME\">.".to_owned()
                } else {
                    format!("Unknown gadget: {other}")
                };
                if let Ok(p) = document.create_element("p") {
                    let _ = p.set_attribute("role", "alert");
                    p.set_text_content(Some(&text));
                    let _ = body.append_child(&p);
                }
            }
        }
    }
}
