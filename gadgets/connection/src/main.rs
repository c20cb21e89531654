//! The connection gadget's entry point: starts [`connection::run`] in the page.

fn main() {
    connection::run();
}
