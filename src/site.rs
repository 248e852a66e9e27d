//! site (work in progress)
