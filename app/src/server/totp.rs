//! TOTP (RFC 6238) for staff two-factor sign-in: the secret, the codes, the `otpauth://`
//! address and its QR code, and the recovery codes. SHA-1, six digits, 30-second steps: what
//! every authenticator app understands. Server-only: none of this reaches the WASM.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;
use zeroize::Zeroize;

use crate::domain::two_factor::{format_recovery_code, RECOVERY_CODE_COUNT, RECOVERY_CODE_LEN};
use crate::error::AppError;

pub const STEP_SECONDS: u64 = 30;
/// The name authenticator apps show above the account.
pub const ISSUER: &str = "SyEI";
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

/// A TOTP secret in memory; wiped when dropped.
pub struct TotpSecret(Vec<u8>);

impl Drop for TotpSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl TotpSecret {
    pub fn generate() -> TotpSecret {
        let mut bytes = vec![0u8; SECRET_BYTES];
        OsRng.fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> TotpSecret {
        TotpSecret(bytes)
    }

    /// A secret as people type it (base32; spaces ignored). None when it is not base32.
    pub fn from_base32(text: &str) -> Option<TotpSecret> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        totp_rs::Secret::Encoded(compact).to_bytes().ok().map(TotpSecret)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn totp(&self, account: &str) -> Result<TOTP, AppError> {
        // The otpauth label separates issuer and account with a colon; an account name must
        // not contain one.
        let account = account.replace(':', ".");
        TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECONDS, self.0.clone(), Some(ISSUER.to_string()), account)
            .map_err(|e| AppError::internal(format!("a TOTP could not be made: {e:?}")))
    }

    /// The step (`unix time / 30`) whose code `code` is, within one step either side of `now`
    /// (a phone's clock a little off, a code typed as it changed); None when it matches none.
    pub fn matching_step(&self, code: &str, now_unix: u64) -> Result<Option<u64>, AppError> {
        let totp = self.totp("")?;
        let current = now_unix / STEP_SECONDS;
        let found = [current.saturating_sub(1), current, current + 1]
            .into_iter()
            .filter(|step| *step > 0)
            // Every candidate is computed and compared in constant time, whichever matches.
            .fold(None, |found, step| {
                let expected = totp.generate(step * STEP_SECONDS);
                let equal = expected.len() == code.len()
                    && expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
                if equal && found.is_none() {
                    Some(step)
                } else {
                    found
                }
            });
        Ok(found)
    }

    /// The code for `unix_time` (tests, and people checking their app).
    pub fn code_at(&self, unix_time: u64) -> Result<String, AppError> {
        Ok(self.totp("")?.generate(unix_time))
    }

    /// The `otpauth://totp/...` address an authenticator app reads from the QR code.
    pub fn otpauth_uri(&self, account: &str) -> Result<String, AppError> {
        Ok(self.totp(account)?.get_url())
    }

    /// The secret in base32 in groups of four, for typing in by hand.
    pub fn manual_entry(&self) -> Result<String, AppError> {
        let base32 = self.totp("")?.get_secret_base32();
        let chars: Vec<char> = base32.chars().collect();
        Ok(chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" "))
    }
}

/// What a sealed secret is bound to: TOTP, of this account.
pub fn sealing_context(user_id: Uuid) -> Vec<u8> {
    [b"syei/totp-secret/v1/".as_slice(), user_id.as_bytes()].concat()
}

/// `data` as a QR code, an SVG drawn on the server (no script, no external reference).
pub fn qr_svg(data: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(AppError::internal)?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inline in HTML the XML declaration means nothing; start at the <svg> element.
    let start = image.find("<svg").unwrap_or(0);
    Ok(image[start..].to_string())
}

/// Ten new recovery codes, as shown to the person.
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut bytes = [0u8; RECOVERY_CODE_LEN];
            OsRng.fill_bytes(&mut bytes);
            let code: String = bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect();
            format_recovery_code(&code)
        })
        .collect()
}

/// What is stored for a recovery code (normalised: lower case, no separators).
pub fn recovery_code_hash(normalised: &str) -> Vec<u8> {
    Sha256::digest(normalised.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::two_factor::{parse_code, SecondFactor};

    /// RFC 6238 appendix B's SHA-1 secret; its codes, cut to six digits.
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec())
    }

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = rfc_secret();
        assert_eq!(secret.code_at(59).unwrap(), "287082");
        assert_eq!(secret.code_at(1_111_111_109).unwrap(), "081804");
        assert_eq!(secret.code_at(1_234_567_890).unwrap(), "005924");
        assert_eq!(secret.code_at(2_000_000_000).unwrap(), "279037");
    }

    #[test]
    fn a_code_matches_its_own_step_and_one_either_side_only() {
        let secret = rfc_secret();
        let now = 1_111_111_109;
        let step = now / STEP_SECONDS;
        let code = secret.code_at(now).unwrap();
        assert_eq!(secret.matching_step(&code, now).unwrap(), Some(step));
        assert_eq!(secret.matching_step(&code, now + 30).unwrap(), Some(step), "one step late");
        assert_eq!(secret.matching_step(&code, now - 30).unwrap(), Some(step), "one step early");
        assert_eq!(secret.matching_step(&code, now + 60).unwrap(), None, "two steps late");
        assert_eq!(secret.matching_step("000000", now).unwrap(), None);
    }

    #[test]
    fn the_uri_and_manual_secret_carry_the_same_secret() {
        let secret = TotpSecret::generate();
        let uri = secret.otpauth_uri("mei.chen@clinic.example").unwrap();
        let manual = secret.manual_entry().unwrap();
        assert!(uri.starts_with("otpauth://totp/SyEI:mei.chen%40clinic.example?secret="), "{uri}");
        assert!(uri.contains(&manual.replace(' ', "")), "{uri} {manual}");
        assert!(uri.contains("issuer=SyEI"));
        assert_eq!(manual.replace(' ', "").len(), 32, "160 bits in base32");
        assert_eq!(TotpSecret::from_base32(&manual).unwrap().as_bytes(), secret.as_bytes());
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{}", &svg[..40]);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_readable_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        for code in &codes {
            assert!(matches!(parse_code(code), Some(SecondFactor::Recovery(_))), "{code}");
        }
        assert_eq!(recovery_code_hash("abc").len(), 32);
    }
}
