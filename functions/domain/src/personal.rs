//! A safety net for texts a citizen wrote that the portal publishes (a
//! petition and its answer): what a machine can recognise as personal data
//! is masked before it reaches the site. It is not the guarantee — names of
//! other people, street addresses, health or family details read like any
//! other words, and the official who publishes is responsible for reading
//! the text first (Decree 13/2023 on personal data); this only catches what
//! slips through:
//!
//! - e-mail addresses (a word with `@` and a dot after it);
//! - numbers of 9 to 13 digits standing alone, spaces, dots or dashes
//!   between their groups allowed: phone numbers (`0912 345 678`,
//!   `+84 912.345.678`), identity numbers (12 digits, 9 on old cards), tax
//!   codes. Amounts written in thousands (`150.000.000`) are left, as are
//!   codes glued to letters (`H29-260603-0001` in a dossier code);
//! - the given strings (the sender's name, address, phone and e-mail as
//!   they entered them), wherever they appear, in any letter case.

/// What a masked part is replaced with.
pub const MASK: &str = "[đã ẩn]";

/// Fewest digits of a number that is masked: shorter ones are dates,
/// amounts, counts.
const MIN_DIGITS: usize = 9;
/// Most digits: an international phone number (+84 and nine) or a 13-digit tax code.
const MAX_DIGITS: usize = 13;
/// Shortest given string that is masked (shorter ones would mask words).
const MIN_KNOWN: usize = 4;

/// `text` with the personal data recognised in it replaced by [`MASK`];
/// `known` are strings to mask wherever they appear (blank ones ignored).
pub fn mask_personal_data(text: &str, known: &[&str]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut masked = vec![false; chars.len()];
    for k in known {
        mark_known(&chars, k.trim(), &mut masked);
    }
    mark_emails(&chars, &mut masked);
    mark_numbers(&chars, &mut masked);
    let mut out = String::with_capacity(text.len());
    let mut in_mask = false;
    for (c, hidden) in chars.iter().zip(&masked) {
        if *hidden {
            if !in_mask {
                out.push_str(MASK);
            }
            in_mask = true;
        } else {
            out.push(*c);
            in_mask = false;
        }
    }
    out
}

fn same_letter(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

fn mark_known(chars: &[char], known: &str, masked: &mut [bool]) {
    let needle: Vec<char> = known.chars().collect();
    if needle.len() < MIN_KNOWN || needle.len() > chars.len() {
        return;
    }
    for start in 0..=chars.len() - needle.len() {
        let hit = needle
            .iter()
            .zip(&chars[start..])
            .all(|(n, c)| same_letter(*n, *c));
        if hit {
            masked[start..start + needle.len()].fill(true);
        }
    }
}

/// Characters that may be part of an e-mail address.
fn in_address(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '%' | '@')
}

fn mark_emails(chars: &[char], masked: &mut [bool]) {
    let mut i = 0;
    while i < chars.len() {
        if !in_address(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && in_address(chars[i]) {
            i += 1;
        }
        // A sentence's full stop is not part of the address.
        let mut end = i;
        while end > start && matches!(chars[end - 1], '.' | '-' | '_') {
            end -= 1;
        }
        let word = &chars[start..end];
        if let Some(at) = word.iter().position(|c| *c == '@') {
            let local = &word[..at];
            let domain = &word[at + 1..];
            let dotted = domain.iter().skip(1).any(|c| *c == '.') && !domain.contains(&'@');
            if !local.is_empty() && dotted {
                masked[start..end].fill(true);
            }
        }
    }
}

fn mark_numbers(chars: &[char], masked: &mut [bool]) {
    let mut i = 0;
    while i < chars.len() {
        let plus = chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if !chars[i].is_ascii_digit() && !plus {
            i += 1;
            continue;
        }
        let start = i;
        if plus {
            i += 1;
        }
        // Digit groups with one separator between them.
        let mut end = i;
        while i < chars.len() {
            if chars[i].is_ascii_digit() {
                i += 1;
                end = i;
            } else if matches!(chars[i], ' ' | '.' | '-')
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        let glued = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
        let standalone = !glued(start.checked_sub(1).map(|p| &chars[p])) && !glued(chars.get(end));
        let run = &chars[start..end];
        let digits = run.iter().filter(|c| c.is_ascii_digit()).count();
        if standalone && (MIN_DIGITS..=MAX_DIGITS).contains(&digits) && !is_amount(run) {
            masked[start..end].fill(true);
        }
        i = end.max(start + 1);
    }
}

/// `150.000.000`, `1 500 000`: groups of three after a first group of one
/// to three digits that does not start with 0, one kind of separator.
fn is_amount(run: &[char]) -> bool {
    let text: String = run.iter().collect();
    let Some(separator) = text.chars().find(|c| !c.is_ascii_digit()) else {
        return false;
    };
    if separator == '-' || separator == '+' {
        return false;
    }
    let groups: Vec<&str> = text.split(separator).collect();
    let first = groups[0];
    groups.len() > 1
        && (1..=3).contains(&first.len())
        && !first.starts_with('0')
        && groups[1..]
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn masked(text: &str) -> String {
        mask_personal_data(text, &[])
    }

    #[test]
    fn phone_and_identity_numbers_are_masked_however_they_are_written() {
        assert_eq!(masked("Gọi 0912345678 nhé"), "Gọi [đã ẩn] nhé");
        assert_eq!(masked("Gọi 0912 345 678."), "Gọi [đã ẩn].");
        assert_eq!(masked("SĐT: 0912.345.678, cảm ơn"), "SĐT: [đã ẩn], cảm ơn");
        assert_eq!(masked("(+84 912-345-678)"), "([đã ẩn])");
        assert_eq!(
            masked("CCCD 001190012345 cấp 2021"),
            "CCCD [đã ẩn] cấp 2021"
        );
        assert_eq!(masked("CMND số 123456789"), "CMND số [đã ẩn]");
    }

    #[test]
    fn dates_amounts_and_codes_stay() {
        for kept in [
            "ngày 01/06/2026",
            "lệ phí 150.000.000 đồng",
            "nộp 1 500 000 đồng",
            "hồ sơ 000.00.01.H29-260603-0001",
            "mã PAKN-260603-7KMQ4X",
            "Điều 112 Bộ luật Lao động 2019",
            "từ 7 giờ 30 đến 11 giờ 30",
            "năm 2023",
        ] {
            assert_eq!(masked(kept), kept);
        }
    }

    #[test]
    fn e_mail_addresses_are_masked_but_not_a_full_stop_after_them() {
        assert_eq!(masked("Thư: binh.tran@example.vn."), "Thư: [đã ẩn].");
        assert_eq!(masked("a@b là không đủ"), "a@b là không đủ");
        assert_eq!(masked("@cán_bộ"), "@cán_bộ");
    }

    #[test]
    fn the_senders_own_details_are_masked_in_any_case() {
        let known = ["Lê Thị Hoa", "Thôn Đông, xã Gia Viễn", "", "Hà"];
        assert_eq!(
            mask_personal_data(
                "Tôi là LÊ THỊ HOA, ở Thôn Đông, xã Gia Viễn. Bà Hà nói vậy.",
                &known
            ),
            "Tôi là [đã ẩn], ở [đã ẩn]. Bà Hà nói vậy."
        );
    }

    proptest! {
        #[test]
        fn the_name_never_survives_and_plain_words_are_untouched(
            before in "[a-zàáạảãâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ ,.]{0,40}",
            after in "[a-zàáạảãâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ ,.]{0,40}",
        ) {
            let text = format!("{before}Nguyễn Văn An{after}");
            let once = mask_personal_data(&text, &["nguyễn văn an"]);
            prop_assert!(!once.contains("Nguyễn Văn An"));
            // Without digits, @ or the name, nothing is masked.
            prop_assert_eq!(mask_personal_data(&before, &[]), before.clone());
        }
    }
}
