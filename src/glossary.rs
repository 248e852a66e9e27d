//! glossary (work in progress)
