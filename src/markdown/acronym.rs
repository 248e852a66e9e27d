//! Finds upper-case acronyms in prose, so the build can insist that every one
//! a reader meets is explained in the glossary.

/// Words of two or more capital letters (optionally a plural `s`), standing
/// alone between non-alphanumeric characters. Returns the acronym without `s`.
pub fn find_acronyms(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let boundary_ok = i >= bytes.len() || !is_word_byte(bytes[i]);
        let starts_ok = start == 0 || !is_word_byte(bytes[start - 1]);
        let word = &text[start..i];
        let core = word.strip_suffix('s').unwrap_or(word);
        if boundary_ok
            && starts_ok
            && core.len() >= 2
            && core.bytes().all(|b| b.is_ascii_uppercase())
        {
            found.push(core);
        }
    }
    found
}

/// Non-ASCII letters glue to a word, so "ÉTÉ" is not read as "T".
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::find_acronyms;

    #[test]
    fn finds_acronyms_and_plurals_but_not_ordinary_words() {
        assert_eq!(
            find_acronyms("The LAs and PREM, (NRM) then I A4 Ok"),
            vec!["LA", "PREM", "NRM"]
        );
        assert_eq!(
            find_acronyms("OFFICIAL-SENSITIVE"),
            vec!["OFFICIAL", "SENSITIVE"]
        );
        assert!(find_acronyms("County Lines cuckooing").is_empty());
    }
}
