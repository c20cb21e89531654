//! The connection gadget's entry point: mounts [`connection::App`] on the page body.

fn main() {
    yew::Renderer::<connection::App>::new().render();
}
