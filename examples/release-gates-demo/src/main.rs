//! `release-gates-demo`: prints which inference backend it was built with.

mod backend;

fn main() {
    println!(
        "release-gates-demo {} ({})",
        env!("CARGO_PKG_VERSION"),
        backend::name()
    );
}
