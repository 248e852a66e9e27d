//! slides (work in progress)
