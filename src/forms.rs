//! forms (work in progress)
