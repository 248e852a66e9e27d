//! preview (work in progress)
