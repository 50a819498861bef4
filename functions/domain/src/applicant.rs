//! The applicant (chủ hồ sơ) and the checked values a submission carries.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicantError {
    #[error("full name is empty or longer than 200 characters")]
    Name,
    #[error("identity number `{0}` must be 12 digits (căn cước) or 9 digits (old CMND)")]
    IdentityNumber(String),
    #[error("tax code `{0}` must be 10 digits, or 10 digits, a dash and 3 digits")]
    TaxCode(String),
    #[error(
        "phone number `{0}` must be a Vietnamese number of 10 digits starting with 0, or +84 and 9 digits"
    )]
    Phone(String),
    #[error("e-mail address `{0}` is not valid")]
    Email(String),
    #[error("address is empty or longer than 500 characters")]
    Address,
}

impl ApplicantError {
    /// Which field of the form is wrong, for the person filling it in.
    pub fn field(&self) -> &'static str {
        match self {
            ApplicantError::Name => "applicant.full_name",
            ApplicantError::IdentityNumber(_) => "applicant.identity_number",
            ApplicantError::TaxCode(_) => "applicant.identity_number",
            ApplicantError::Phone(_) => "applicant.phone",
            ApplicantError::Email(_) => "applicant.email",
            ApplicantError::Address => "applicant.address",
        }
    }

    /// The message a citizen reads.
    pub fn message_vi(&self) -> &'static str {
        match self {
            ApplicantError::Name => "Họ và tên không được để trống và không quá 200 ký tự.",
            ApplicantError::IdentityNumber(_) => {
                "Số định danh cá nhân phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ)."
            }
            ApplicantError::TaxCode(_) => {
                "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."
            }
            ApplicantError::Phone(_) => "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.",
            ApplicantError::Email(_) => "Địa chỉ thư điện tử không hợp lệ.",
            ApplicantError::Address => "Địa chỉ không được để trống và không quá 500 ký tự.",
        }
    }
}

/// LoaiDoiTuong: 1 citizen, 2 business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerType {
    Citizen,
    Business,
}

impl OwnerType {
    pub fn code(self) -> u8 {
        match self {
            OwnerType::Citizen => 1,
            OwnerType::Business => 2,
        }
    }
}

/// A Vietnamese mobile or landline number, kept in its 10-digit national form (0 and 9 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, ApplicantError> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        let national = match compact.strip_prefix("+84") {
            Some(rest) => format!("0{rest}"),
            None => compact,
        };
        let ok = national.len() == 10
            && national.starts_with('0')
            && national.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(national))
        } else {
            Err(ApplicantError::Phone(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// E.164, for SMS: +84 and the 9 digits after the leading 0.
    pub fn e164(&self) -> String {
        format!("+84{}", &self.0[1..])
    }
}

/// An e-mail address: one `@`, a dotted domain, no spaces, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ApplicantError> {
        let email = raw.trim();
        let err = || ApplicantError::Email(raw.to_owned());
        let (local, domain) = email.split_once('@').ok_or_else(err)?;
        let ok = !local.is_empty()
            && email.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(char::is_whitespace);
        if ok {
            Ok(Self(email.to_owned()))
        } else {
            Err(err())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Số định danh: a citizen's 12-digit identity number (or 9-digit old CMND),
/// or a business's tax code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdentityNumber(String);

impl IdentityNumber {
    pub fn parse(raw: &str, owner: OwnerType) -> Result<Self, ApplicantError> {
        let id = raw.trim();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let ok = match owner {
            OwnerType::Citizen => digits(id, 12) || digits(id, 9),
            OwnerType::Business => {
                digits(id, 10)
                    || id
                        .split_once('-')
                        .is_some_and(|(a, b)| digits(a, 10) && digits(b, 3))
            }
        };
        match (ok, owner) {
            (true, _) => Ok(Self(id.to_owned())),
            (false, OwnerType::Citizen) => Err(ApplicantError::IdentityNumber(raw.to_owned())),
            (false, OwnerType::Business) => Err(ApplicantError::TaxCode(raw.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype {
    ($ty:ident) => {
        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
string_newtype!(PhoneNumber);
string_newtype!(Email);
string_newtype!(IdentityNumber);

impl TryFrom<String> for PhoneNumber {
    type Error = ApplicantError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<String> for Email {
    type Error = ApplicantError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<String> for IdentityNumber {
    type Error = ApplicantError;
    /// Stored values were checked for their owner type when they were made.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s, OwnerType::Citizen).or_else(|_| Self::parse(&s, OwnerType::Business))
    }
}

/// A checked applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub owner_type: OwnerType,
    pub full_name: String,
    pub identity_number: IdentityNumber,
    pub phone: PhoneNumber,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    pub address: String,
}

impl Applicant {
    /// Checks every field of a form, naming the first that is wrong.
    pub fn parse(
        owner_type: OwnerType,
        full_name: &str,
        identity_number: &str,
        phone: &str,
        email: Option<&str>,
        address: &str,
    ) -> Result<Self, ApplicantError> {
        let full_name = full_name.trim().to_owned();
        if full_name.is_empty() || full_name.chars().count() > 200 {
            return Err(ApplicantError::Name);
        }
        let identity_number = IdentityNumber::parse(identity_number, owner_type)?;
        let phone = PhoneNumber::parse(phone)?;
        let email = email
            .filter(|e| !e.trim().is_empty())
            .map(Email::parse)
            .transpose()?;
        let address = address.trim().to_owned();
        if address.is_empty() || address.chars().count() > 500 {
            return Err(ApplicantError::Address);
        }
        Ok(Applicant {
            owner_type,
            full_name,
            identity_number,
            phone,
            email,
            address,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Form {
        owner_type: OwnerType,
        full_name: String,
        identity_number: String,
        phone: String,
        email: Option<String>,
        address: String,
    }

    fn form() -> Form {
        Form {
            owner_type: OwnerType::Citizen,
            full_name: " Nguyễn Văn An ".into(),
            identity_number: "001099012345".into(),
            phone: "+84 912 345 678".into(),
            email: Some("an.nguyen@example.vn".into()),
            address: "Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội".into(),
        }
    }

    fn parse(f: Form) -> Result<Applicant, ApplicantError> {
        Applicant::parse(
            f.owner_type,
            &f.full_name,
            &f.identity_number,
            &f.phone,
            f.email.as_deref(),
            &f.address,
        )
    }

    #[test]
    fn a_good_form_is_normalised() {
        let a = parse(form()).unwrap();
        assert_eq!(a.full_name, "Nguyễn Văn An");
        assert_eq!(a.phone.as_str(), "0912345678");
        assert_eq!(a.phone.e164(), "+84912345678");
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut Form);
        let cases: [(Spoil, &str); 5] = [
            (|f| f.full_name = " ".into(), "applicant.full_name"),
            (
                |f| f.identity_number = "12345".into(),
                "applicant.identity_number",
            ),
            (|f| f.phone = "123".into(), "applicant.phone"),
            (|f| f.email = Some("an@".into()), "applicant.email"),
            (|f| f.address = String::new(), "applicant.address"),
        ];
        for (spoil, field) in cases {
            let mut f = form();
            spoil(&mut f);
            assert_eq!(parse(f).unwrap_err().field(), field);
        }
    }

    #[test]
    fn businesses_give_a_tax_code() {
        let business = |id: &str| Form {
            owner_type: OwnerType::Business,
            identity_number: id.into(),
            ..form()
        };
        assert_eq!(
            parse(business("001099012345")).unwrap_err(),
            ApplicantError::TaxCode("001099012345".into())
        );
        assert!(parse(business("0101234567-001")).is_ok());
    }
}
