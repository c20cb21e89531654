//! The call control gadget's entry point: mounts [`call_control::App`] on the page body.

fn main() {
    yew::Renderer::<call_control::App>::new().render();
}
