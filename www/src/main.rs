//! The desktop's entry point: mounts [`finesse_desktop::App`] on the page body.

fn main() {
    yew::Renderer::<finesse_desktop::App>::new().render();
}
