//! theme (work in progress)
