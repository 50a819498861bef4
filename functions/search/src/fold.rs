//! Vietnamese words as search sees them. Citizens type with or without tone
//! marks ("dang ky khai sinh", "đăng ký khai sinh"), so every word has two
//! forms: `exact` (lower case, composed, marks kept) and `folded` (marks
//! off, đ → d). Both match; a match of the exact form ranks higher, since in
//! Vietnamese the marks tell words apart ("mã" code, "mà" but).
//!
//! The browser's fallback search folds the same way (`site/static/js/
//! search.js`: NFD, drop combining marks, đ → d, lower case, a final y
//! after consonants as i); the relevance tests check that both give the
//! same results.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One word of a text, in both forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Word {
    /// Lower case, NFC, marks kept.
    pub exact: String,
    /// Lower case, marks removed, đ → d: plain ASCII for Vietnamese.
    pub folded: String,
}

impl Word {
    pub fn new(raw: &str) -> Self {
        let exact: String = raw.nfc().flat_map(char::to_lowercase).collect();
        let folded = one_spelling(fold(&exact));
        Word { exact, folded }
    }

    /// Whether the word carries any mark (so its exact form says more).
    pub fn is_marked(&self) -> bool {
        self.exact != fold(&self.exact)
    }
}

/// The folded form of `text`: lower case, tone and vowel marks removed,
/// đ → d. Other characters are kept.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Vietnamese writes a syllable whose only vowel is a final i either way
/// ("ký"/"kí", "lý"/"lí", "quý"/"quí"): folded, both are spelt with i.
/// "uy" ("thủy", "huy") is a vowel pair and stays.
pub fn one_spelling(mut folded: String) -> String {
    let onset = folded.trim_end_matches('y');
    let single_y = folded.len() == onset.len() + 1;
    let consonants_only = !onset.is_empty()
        && (onset.bytes().all(|b| b"bcdghklmnprstvx".contains(&b)) || onset == "qu");
    if single_y && consonants_only {
        folded.pop();
        folded.push('i');
    }
    folded
}

/// The words of `text`: runs of letters and digits; everything else
/// (spaces, punctuation, `/`, `-`) separates them.
pub fn words(text: &str) -> Vec<Word> {
    text.split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| !w.is_empty())
        .map(Word::new)
        .collect()
}

/// A word's marks spelt out in Telex, the way Vietnamese is typed on a
/// plain keyboard ("đăng" → "ddawng", "ký" → "kys"): an ASCII token that a
/// search engine's own folding leaves alone, so a Meilisearch attribute of
/// these tokens lets an exact-marks query rank its exact matches first. A
/// word without marks is its folded self.
pub fn telex(word: &Word) -> String {
    if !word.is_marked() {
        return word.folded.clone();
    }
    let mut out = String::new();
    let mut tone = None;
    for c in word.exact.nfd() {
        match c {
            // Vowel marks follow their letter.
            '\u{0302}' => {
                if let Some(last) = out.pop() {
                    out.push(last);
                    out.push(last);
                }
            }
            '\u{0306}' | '\u{031B}' => out.push('w'),
            // Tones go at the end of the syllable.
            '\u{0301}' => tone = Some('s'),
            '\u{0300}' => tone = Some('f'),
            '\u{0309}' => tone = Some('r'),
            '\u{0303}' => tone = Some('x'),
            '\u{0323}' => tone = Some('j'),
            'đ' => out.push_str("dd"),
            c if is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    out.extend(tone);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn both_forms_of_a_word() {
        let w = Word::new("Đăng");
        assert_eq!((w.exact.as_str(), w.folded.as_str()), ("đăng", "dang"));
        assert!(w.is_marked());
        assert!(!Word::new("khai").is_marked());
        assert!(!Word::new("ky").is_marked(), "a spelling is no mark");
        assert_eq!(
            fold("Giấy chứng nhận quyền sử dụng đất"),
            "giay chung nhan quyen su dung dat"
        );
        // Decomposed input (as some keyboards send it) is the same word.
        assert_eq!(Word::new("ky\u{0301}"), Word::new("ký"));
    }

    #[test]
    fn a_final_i_is_one_spelling() {
        for (a, b) in [("ký", "kí"), ("lý", "lí"), ("quý", "quí"), ("Mỹ", "mĩ")] {
            assert_eq!(Word::new(a).folded, Word::new(b).folded, "{a}");
        }
        for kept in ["thủy", "huy", "y", "yêu", "tuyến", "ay"] {
            assert_eq!(Word::new(kept).folded, fold(kept), "{kept}");
        }
    }

    #[test]
    fn words_split_on_anything_but_letters_and_digits() {
        let found: Vec<String> = words("Cấp Giấy phép xây dựng (cấp III, cấp IV)/nhà ở-riêng lẻ")
            .into_iter()
            .map(|w| w.folded)
            .collect();
        assert_eq!(
            found,
            [
                "cap", "giay", "phep", "xay", "dung", "cap", "iii", "cap", "iv", "nha", "o",
                "rieng", "le"
            ]
        );
        assert!(words(" ,.; ").is_empty());
    }

    #[test]
    fn telex_spells_the_marks() {
        let t = |w: &str| telex(&Word::new(w));
        assert_eq!(t("đăng"), "ddawng");
        assert_eq!(t("ký"), "kys");
        assert_eq!(t("khai"), "khai");
        assert_eq!(t("giấy"), "giaays");
        assert_eq!(t("quyền"), "quyeenf");
        assert_eq!(t("sử"), "suwr");
        assert_eq!(t("đất"), "ddaats");
        assert_eq!(t("mã"), "max");
        assert_eq!(t("mà"), "maf");
        assert_eq!(t("hộ"), "hooj");
        assert_eq!(t("ở"), "owr");
    }

    proptest! {
        #[test]
        fn folding_is_plain_and_stable(text in "\\PC{0,40}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once.clone());
            for w in words(&text) {
                prop_assert_eq!(one_spelling(fold(&w.exact)), w.folded.clone());
                prop_assert!(!w.folded.contains('đ'));
            }
        }
    }
}
