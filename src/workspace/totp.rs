//! Time-based one-time passwords (RFC 6238): HMAC-SHA-1, 30-second steps, six digits, the
//! step before and after accepted for clock drift. That is what every authenticator app does
//! by default, and the whole algorithm is the few lines below on two RustCrypto crates, so we
//! write it rather than take on a TOTP crate and its QR and URL dependencies.
//!
//! A code is accepted once: the caller keeps the last step used and passes it back, so a code
//! read over someone's shoulder cannot be replayed within its validity window.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

pub const STEP_SECS: i64 = 30;
pub const DIGITS: u32 = 6;
/// 160 bits, the HMAC-SHA-1 block-friendly size RFC 4226 recommends.
pub const SECRET_LEN: usize = 20;

/// A fresh random secret.
pub fn new_secret() -> [u8; SECRET_LEN] {
    rand::random()
}

/// The HOTP value (RFC 4226) for `counter`.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    bin % 10u32.pow(DIGITS)
}

/// The time step a unix time falls in.
pub fn step(unix: i64) -> u64 {
    u64::try_from(unix.div_euclid(STEP_SECS)).unwrap_or(0)
}

/// The six-digit code for `unix`, zero-padded.
pub fn code(secret: &[u8], unix: i64) -> String {
    format!("{:06}", hotp(secret, step(unix)))
}

/// The step at which `code` is valid (now, one before or one after), if it is and that step is
/// later than `last_used`.
pub fn verify(secret: &[u8], code: &str, unix: i64, last_used: u64) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step(unix);
    let mut found = None;
    // Check every candidate, so timing does not tell which one matched.
    for s in [now.saturating_sub(1), now, now + 1] {
        let expected = format!("{:06}", hotp(secret, s));
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && s > last_used {
            found = Some(s);
        }
    }
    found
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps expect secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32 (case, spaces and padding ignored); `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !matches!(c, b' ' | b'=' | b'-')) {
        let v = ALPHABET.iter().position(|&a| a == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | v as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` URI authenticator apps accept when the secret is typed or pasted.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let issuer = urlencoding::encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        urlencoding::encode(account),
        base32_encode(secret),
    )
}

/// The `otpauth://` URI as a QR code in SVG, black on white with a quiet zone, at least 240 px.
pub fn qr_svg(uri: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| anyhow::anyhow!("cannot draw the enrolment QR code: {e}"))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (eight digits there; the last six here).
    #[test]
    fn matches_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, full) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code(secret, t), full[2..], "t = {t}");
        }
    }

    #[test]
    fn accepts_one_step_of_drift_once_and_nothing_else() {
        let secret = new_secret();
        let t = 1_800_000_000;
        let now = code(&secret, t);
        let used = verify(&secret, &now, t, 0).expect("valid now");
        assert_eq!(verify(&secret, &now, t, used), None, "no replay");
        assert!(verify(&secret, &code(&secret, t - 30), t, 0).is_some());
        assert!(verify(&secret, &code(&secret, t + 30), t, 0).is_some());
        assert_eq!(verify(&secret, &code(&secret, t - 90), t, 0), None);
        assert_eq!(verify(&secret, "12345", t, 0), None);
        assert_eq!(verify(&secret, "abcdef", t, 0), None);
    }

    #[test]
    fn base32_round_trips_rfc_4648_vectors() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_encode(b"f"), "MY");
        for n in 0..25 {
            let bytes: Vec<u8> = (0..n).map(|i: u8| i.wrapping_mul(37)).collect();
            let text = base32_encode(&bytes);
            assert_eq!(base32_decode(&text).expect("decodes"), bytes);
            assert_eq!(base32_decode(&text.to_lowercase()).expect("lower"), bytes);
        }
        assert_eq!(base32_decode("MZ1"), None);
        let uri = otpauth_uri("PREM inbox", "sam", b"12345678901234567890");
        assert!(uri.starts_with(
            "otpauth://totp/PREM%20inbox:sam?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"
        ));
    }
}
