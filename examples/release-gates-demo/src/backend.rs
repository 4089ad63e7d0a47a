//! The backend chosen by features, as in the crates this plugin is for.

/// Name of the compiled-in backend.
pub fn name() -> &'static str {
    if cfg!(feature = "llama-cuda") {
        "llama (CUDA)"
    } else if cfg!(feature = "llama") {
        "llama (CPU)"
    } else if cfg!(feature = "huggingface") {
        "huggingface"
    } else {
        "none"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_a_backend() {
        assert!(!super::name().is_empty());
    }
}
