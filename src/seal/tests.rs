//! Sealing and opening whole records.

use super::*;

const FORM: &[u8] = br#"{"form":"prem-child","version":3,"answers":{"name":"MARKER"}}"#;

fn sealed_to(recipients: &[PublicKey], sequence: u64) -> (Header, Vec<u8>) {
    let header = Header::new(1, sequence, 1_790_000_000, recipients);
    let bytes = seal(&header, recipients, FORM).expect("seal");
    (header, bytes)
}

#[test]
fn one_recipient_round_trips() {
    let (public, secret) = generate_keypair();
    let (header, bytes) = sealed_to(std::slice::from_ref(&public), 7);
    let (opened_header, plaintext) = open(&bytes, &secret).expect("open");
    assert_eq!(opened_header, header);
    assert_eq!(plaintext, FORM);
    assert!(!bytes.windows(6).any(|w| w == b"MARKER"));
}

#[test]
fn each_of_two_recipients_opens_alone() {
    let (police, police_secret) = generate_keypair();
    let (la, la_secret) = generate_keypair();
    let (header, bytes) = sealed_to(&[police.clone(), la.clone()], 8);
    assert_eq!(header.recipients, vec![police.id(), la.id()]);
    for secret in [&police_secret, &la_secret] {
        let (opened_header, plaintext) = open(&bytes, secret).expect("open");
        assert_eq!(opened_header, header);
        assert_eq!(plaintext, FORM);
    }
}

#[test]
fn a_third_key_is_not_for_this_record() {
    let (a, _) = generate_keypair();
    let (b, _) = generate_keypair();
    let (_, stranger) = generate_keypair();
    let (_, bytes) = sealed_to(&[a, b], 9);
    assert_eq!(open(&bytes, &stranger), Err(SealError::NotForThisKey));
    let record = decode(&bytes).expect("decode");
    assert!(!record.is_for(stranger.id()));
}

#[test]
fn flipping_any_byte_makes_open_fail() {
    let (a, a_secret) = generate_keypair();
    let (b, b_secret) = generate_keypair();
    let header = Header::new(1, 10, 1_790_000_000, &[a.clone(), b.clone()]);
    let bytes = seal(&header, &[a, b], b"short").expect("seal");
    // One bit per byte keeps this to a few seconds in an unoptimised build.
    for position in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[position] ^= 0x01;
        for secret in [&a_secret, &b_secret] {
            assert!(
                open(&tampered, secret).is_err(),
                "flipping byte {position} went unnoticed"
            );
        }
    }
}

#[test]
fn changed_sequence_number_fails_to_open() {
    let (public, secret) = generate_keypair();
    let (header, bytes) = sealed_to(std::slice::from_ref(&public), 41);
    let mut record = decode(&bytes).expect("decode");
    record.header.sequence = 42;
    record.header_bytes = record.header.encode();
    let forged = record.encode();
    assert_eq!(decode(&forged).expect("decode").header().sequence, 42);
    assert_eq!(open(&forged, &secret), Err(SealError::Decrypt));
    assert_eq!(open(&bytes, &secret).expect("open").0, header);
}

#[test]
fn decode_exposes_the_header_without_a_key() {
    let (public, _) = generate_keypair();
    let (header, bytes) = sealed_to(std::slice::from_ref(&public), 11);
    let record = decode(&bytes).expect("decode");
    assert_eq!(record.header(), &header);
    assert!(record.is_for(public.id()));
    // Decoding is exact: re-encoding gives back the very bytes, which the AEADs rely on.
    assert_eq!(record.encode(), bytes);
}

#[test]
fn decode_of_truncated_or_padded_input_is_an_error() {
    let (a, _) = generate_keypair();
    let (b, _) = generate_keypair();
    let (_, bytes) = sealed_to(&[a, b], 12);
    for cut in 0..bytes.len() {
        assert!(decode(&bytes[..cut]).is_err(), "cut at {cut} decoded");
    }
    let mut padded = bytes.clone();
    padded.push(0);
    assert_eq!(decode(&padded).map(|_| ()), Err(SealError::Malformed));
}

#[test]
fn decode_rejects_hostile_lengths_and_versions() {
    let (public, _) = generate_keypair();
    let (_, bytes) = sealed_to(std::slice::from_ref(&public), 13);
    let unsupported = |offset: usize| {
        let mut b = bytes.clone();
        b[offset] = 0xff;
        decode(&b).map(|_| ())
    };
    assert_eq!(unsupported(8), Err(SealError::Unsupported)); // format version
    assert_eq!(unsupported(10), Err(SealError::Unsupported)); // suite
    let mut many = bytes.clone();
    many[46] = 200; // recipient count
    assert_eq!(decode(&many).map(|_| ()), Err(SealError::Malformed));
    // A body length of 4 GiB in a tiny record must be refused, not allocated.
    let body_len_at = bytes.len() - FORM.len() - 16 - 4;
    let mut huge = bytes.clone();
    huge[body_len_at..body_len_at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(decode(&huge).map(|_| ()), Err(SealError::Malformed));
}

#[test]
fn seal_refuses_bad_recipient_lists_and_oversized_bodies() {
    let (a, _) = generate_keypair();
    let (b, _) = generate_keypair();
    let header = Header::new(1, 1, 0, std::slice::from_ref(&a));
    assert_eq!(seal(&header, &[b], FORM), Err(SealError::Recipients));
    assert_eq!(seal(&header, &[], FORM), Err(SealError::Recipients));
    let twice = Header::new(1, 1, 0, &[a.clone(), a.clone()]);
    assert_eq!(
        seal(&twice, &[a.clone(), a.clone()], FORM),
        Err(SealError::Recipients)
    );
    let too_many: Vec<PublicKey> = (0..=MAX_RECIPIENTS).map(|_| generate_keypair().0).collect();
    let crowd = Header::new(1, 1, 0, &too_many);
    assert_eq!(seal(&crowd, &too_many, FORM), Err(SealError::Recipients));
    let big = vec![0u8; MAX_PLAINTEXT + 1];
    assert_eq!(
        seal(&header, std::slice::from_ref(&a), &big),
        Err(SealError::TooLarge)
    );
    let full = vec![0u8; MAX_PLAINTEXT];
    assert!(seal(&header, &[a], &full).is_ok());
}

#[test]
fn a_recipient_cannot_give_others_a_different_text() {
    // The content key is committed: swapping in another content key for one recipient, even
    // with a body that decrypts under it, is refused because the commitment no longer matches.
    let (a, a_secret) = generate_keypair();
    let (_, other) = sealed_to(std::slice::from_ref(&a), 14);
    let (_, bytes) = sealed_to(std::slice::from_ref(&a), 14);
    let mut record = decode(&bytes).expect("decode");
    let donor = decode(&other).expect("decode");
    record.commitment = donor.commitment;
    assert_eq!(open(&record.encode(), &a_secret), Err(SealError::Decrypt));
}

/// Writes the fuzz target's seed corpus. Run with
/// `cargo test --lib seal::tests::write_fuzz_seed_corpus -- --ignored`.
#[test]
#[ignore = "writes files into fuzz/corpus; run by hand to refresh the seeds"]
fn write_fuzz_seed_corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/sealed_record");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let (a, _) = generate_keypair();
    let (b, _) = generate_keypair();
    let only_a = std::slice::from_ref(&a);
    let one = seal(&Header::new(1, 1, 1_790_000_000, only_a), only_a, FORM);
    let two = seal(
        &Header::new(1, 2, 1_790_000_000, &[a.clone(), b.clone()]),
        &[a, b],
        b"",
    );
    let one = one.expect("seal");
    let seeds: [(&str, &[u8]); 5] = [
        ("valid-one-recipient", &one),
        ("valid-two-recipients-empty-body", &two.expect("seal")),
        ("truncated-header", &one[..30]),
        ("magic-only", b"PREMSEAL"),
        ("junk", b"\x00\xffnot a record at all\n"),
    ];
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).expect("write seed");
    }
}
