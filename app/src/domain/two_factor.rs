//! What a person types at the second step of sign-in, as pure rules: a six-digit code from
//! their authenticator app, or one of their recovery codes (16 letters and digits, shown in
//! groups of four). Spaces and dashes are ignored, and so is case, as people copy them.

/// Recovery codes made at enrolment.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Characters in a recovery code (base32: 5 bits each, 80 bits in all).
pub const RECOVERY_CODE_LEN: usize = 16;
/// Longer input is refused before anything else looks at it.
pub const MAX_CODE_INPUT: usize = 64;
/// How long the state between a right password and the second step lasts.
pub const SECOND_STEP_MINUTES: i64 = 10;

/// A second factor, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, lower case, without separators.
    Recovery(String),
}

/// The recovery-code alphabet (RFC 4648 base32, lower case).
pub fn is_recovery_char(c: char) -> bool {
    c.is_ascii_lowercase() || ('2'..='7').contains(&c)
}

/// Reads what was typed; None when it is neither kind of code.
pub fn parse_code(input: &str) -> Option<SecondFactor> {
    if input.len() > MAX_CODE_INPUT {
        return None;
    }
    let code: String =
        input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        return Some(SecondFactor::Totp(code));
    }
    if code.chars().count() == RECOVERY_CODE_LEN && code.chars().all(is_recovery_char) {
        return Some(SecondFactor::Recovery(code));
    }
    None
}

/// A recovery code as shown to people: four groups of four.
pub fn format_recovery_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_are_an_app_code_whatever_the_spacing() {
        assert_eq!(parse_code("123456"), Some(SecondFactor::Totp("123456".into())));
        assert_eq!(parse_code(" 123 456 "), Some(SecondFactor::Totp("123456".into())));
        assert_eq!(parse_code("12345"), None);
        assert_eq!(parse_code("1234567"), None);
        assert_eq!(parse_code("12345a"), None);
    }

    #[test]
    fn recovery_codes_ignore_case_and_dashes() {
        let shown = format_recovery_code("abcd2345efgh6723");
        assert_eq!(shown, "abcd-2345-efgh-6723");
        assert_eq!(parse_code(&shown.to_uppercase()), Some(SecondFactor::Recovery("abcd2345efgh6723".into())));
        assert_eq!(parse_code("abcd-2345-efgh-672"), None, "too short");
        assert_eq!(parse_code("abcd-2345-efgh-6789"), None, "8 and 9 are not base32");
        assert_eq!(parse_code(&"1".repeat(10_000)), None);
    }
}
