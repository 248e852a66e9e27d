//! The inbox decodes records that a compromised kiosk may have written: decoding any bytes must
//! return, never panic, and never allocate much more than the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = prem::seal::decode(data) {
        let header = record.header();
        assert!(!header.recipients.is_empty());
        assert!(header.recipients.len() <= prem::seal::MAX_RECIPIENTS);
    }
});
