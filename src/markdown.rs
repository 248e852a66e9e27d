//! markdown (work in progress)
