//! seal (work in progress)
