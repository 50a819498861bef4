//! Every error answers `application/problem+json` (RFC 9457) with a stable
//! `code` for programs and a Vietnamese `title` for people. Unexpected
//! failures are an opaque 500 whose cause goes to the log, not the body.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::{AttachmentError, StoreError};
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("content type must be application/json")]
    NotJson,
    #[error("invalid {field}: {detail}")]
    Invalid {
        field: String,
        message_vi: String,
        detail: String,
    },
    #[error("unknown procedure")]
    UnknownProcedure,
    #[error("no identity provider is configured")]
    SignInNotConfigured,
    #[error("procedure not offered online")]
    NotOnline,
    #[error("procedure not received through this channel")]
    ChannelNotOffered,
    #[error("signed in, but no active official account")]
    NotAnOfficial,
    /// A move the rules or the official's role do not allow; the message
    /// says which, in Vietnamese.
    #[error("refused: {detail}")]
    Refused { message_vi: String, detail: String },
    /// Someone changed the dossier first; carries its fresh state.
    #[error("the dossier changed meanwhile")]
    Stale(Box<serde_json::Value>),
    #[error("missing component {index}: {name}")]
    MissingComponent { index: usize, name: String },
    #[error(transparent)]
    Attachment(AttachmentError),
    #[error("dossier not found")]
    DossierNotFound,
    #[error("not signed in: {0}")]
    Unauthenticated(String),
    #[error("forbidden")]
    Forbidden,
    /// Reached past the CDN (and its firewall), not through the portal.
    #[error("not through the portal's CDN")]
    NotThroughPortal,
    #[error("bad idempotency key")]
    BadIdempotencyKey,
    #[error("idempotency key reused with another request")]
    IdempotencyMismatch,
    #[error("the dossier changed meanwhile (version {current})")]
    Conflict { current: u64 },
    #[error("action not allowed now: {0}")]
    NotAllowed(String),
    #[error("busy: {0}")]
    Busy(String),
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Rating(domain::RatingError),
    #[error("the dossier was rated meanwhile")]
    AlreadyRated,
    #[error("the dossier is not rated")]
    NotRated,
    #[error("petition not found")]
    PetitionNotFound,
    /// Someone moved the petition first; carries its fresh state.
    #[error("the petition changed meanwhile")]
    PetitionStale(Box<serde_json::Value>),
    #[error("files on a petition need sign-in")]
    PetitionFilesNeedSignIn,
    #[error("idempotency key reused with another petition")]
    PetitionKeyReused,
    #[error(transparent)]
    Petition(domain::PetitionError),
    #[error("question not found")]
    QuestionNotFound,
    /// Someone moved the question first; carries its fresh state.
    #[error("the question changed meanwhile")]
    QuestionStale(Box<serde_json::Value>),
    #[error("idempotency key reused with another question")]
    QuestionKeyReused,
    #[error(transparent)]
    Question(domain::QuestionError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `about:blank`-style type URI naming the problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Vietnamese, for people.
    pub title: String,
    pub status: u16,
    /// Stable, for programs (e.g. `THIEU_THANH_PHAN_HO_SO`).
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `HO_SO_DA_THAY_DOI` from the back office: the dossier as it is now;
    /// with `PHAN_ANH_DA_THAY_DOI`: the petition as it is now; with
    /// `HOI_DAP_DA_THAY_DOI`: the question as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

impl ApiError {
    pub fn invalid(
        field: impl Into<String>,
        message_vi: impl Into<String>,
        detail: impl ToString,
    ) -> Self {
        ApiError::Invalid {
            field: field.into(),
            message_vi: message_vi.into(),
            detail: detail.to_string(),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Option<String>) {
        use ApiError::*;
        use StatusCode as S;
        match self {
            MalformedJson(_) => (S::BAD_REQUEST, "JSON_KHONG_HOP_LE", "Dữ liệu gửi lên không đúng định dạng JSON.".into(), None),
            NotJson => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "KIEU_NOI_DUNG_KHONG_HOP_LE",
                "Dữ liệu phải được gửi dưới dạng application/json.".into(),
                None,
            ),
            Invalid { field, message_vi, .. } => (S::UNPROCESSABLE_ENTITY, "DU_LIEU_KHONG_HOP_LE", message_vi.clone(), Some(field.clone())),
            UnknownProcedure => (S::NOT_FOUND, "THU_TUC_KHONG_TON_TAI", "Không tìm thấy thủ tục hành chính này.".into(), Some("procedure_code".into())),
            SignInNotConfigured => (S::NOT_FOUND, "CHUA_CAU_HINH_DANG_NHAP", "Cổng chưa được cấu hình đăng nhập. Vui lòng nộp hồ sơ trực tiếp hoặc thử lại sau.".into(), None),
            NotOnline => (
                S::UNPROCESSABLE_ENTITY,
                "THU_TUC_KHONG_NOP_TRUC_TUYEN",
                "Thủ tục này chưa nhận hồ sơ trực tuyến; vui lòng nộp trực tiếp hoặc qua bưu chính.".into(),
                Some("procedure_code".into()),
            ),
            ChannelNotOffered => (
                S::UNPROCESSABLE_ENTITY,
                "THU_TUC_KHONG_NHAN_QUA_KENH_NAY",
                "Thủ tục này không tiếp nhận hồ sơ qua hình thức đã chọn.".into(),
                Some("channel".into()),
            ),
            NotAnOfficial => (
                S::FORBIDDEN,
                "CHUA_CO_TAI_KHOAN_CAN_BO",
                "Tài khoản này chưa được cấp quyền cán bộ hoặc đã bị khóa; vui lòng liên hệ quản trị đơn vị.".into(),
                None,
            ),
            Refused { message_vi, .. } => (S::CONFLICT, "THAO_TAC_KHONG_HOP_LE", message_vi.clone(), None),
            Stale(_) => (
                S::CONFLICT,
                "HO_SO_DA_THAY_DOI",
                "Hồ sơ vừa được người khác cập nhật; trạng thái mới nhất được hiển thị, vui lòng xem lại trước khi thao tác.".into(),
                None,
            ),
            MissingComponent { index, name } => (
                S::UNPROCESSABLE_ENTITY,
                "THIEU_THANH_PHAN_HO_SO",
                format!("Hồ sơ còn thiếu giấy tờ bắt buộc: {name}."),
                Some(format!("files[component={index}]")),
            ),
            Attachment(e) => attachment_parts(e),
            DossierNotFound => (
                S::NOT_FOUND,
                "HO_SO_KHONG_TON_TAI",
                "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập.".into(),
                None,
            ),
            Unauthenticated(_) => (S::UNAUTHORIZED, "CHUA_DANG_NHAP", "Vui lòng đăng nhập để tiếp tục.".into(), None),
            Forbidden => (S::FORBIDDEN, "KHONG_CO_QUYEN", "Tài khoản của bạn không có quyền thực hiện thao tác này.".into(), None),
            NotThroughPortal => (
                S::FORBIDDEN,
                "KHONG_QUA_CONG",
                "Yêu cầu phải được gửi qua Cổng dịch vụ công.".into(),
                None,
            ),
            BadIdempotencyKey => (
                S::BAD_REQUEST,
                "KHOA_CHONG_TRUNG_KHONG_HOP_LE",
                "Idempotency-Key phải gồm 1–128 ký tự chữ, số, dấu gạch ngang, gạch dưới, chấm hoặc hai chấm.".into(),
                Some("Idempotency-Key".into()),
            ),
            IdempotencyMismatch => (
                S::UNPROCESSABLE_ENTITY,
                "KHOA_CHONG_TRUNG_DA_DUNG",
                "Mã chống gửi trùng này đã được dùng cho một hồ sơ khác.".into(),
                Some("Idempotency-Key".into()),
            ),
            Conflict { .. } => (
                S::CONFLICT,
                "HO_SO_DA_THAY_DOI",
                "Hồ sơ vừa được cập nhật bởi người khác; vui lòng tải lại và thực hiện lại.".into(),
                None,
            ),
            NotAllowed(_) => (
                S::CONFLICT,
                "THAO_TAC_KHONG_HOP_LE",
                "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.".into(),
                None,
            ),
            Busy(_) => (S::SERVICE_UNAVAILABLE, "HE_THONG_BAN", "Hệ thống đang bận; vui lòng thử lại sau ít phút.".into(), None),
            Unavailable(_) => (
                S::SERVICE_UNAVAILABLE,
                "DICH_VU_TAM_GIAN_DOAN",
                "Dịch vụ tạm thời gián đoạn; vui lòng thử lại sau ít phút.".into(),
                None,
            ),
            Rating(e) => rating_parts(e),
            AlreadyRated => (
                S::CONFLICT,
                "DA_DANH_GIA",
                "Hồ sơ này vừa được đánh giá; vui lòng tải lại trang để xem hoặc sửa đánh giá.".into(),
                None,
            ),
            NotRated => (S::NOT_FOUND, "CHUA_DANH_GIA", "Hồ sơ này chưa được đánh giá.".into(), None),
            PetitionNotFound => (
                S::NOT_FOUND,
                "PHAN_ANH_KHONG_TON_TAI",
                "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu đã nhập.".into(),
                None,
            ),
            PetitionStale(_) => (
                S::CONFLICT,
                "PHAN_ANH_DA_THAY_DOI",
                "Phản ánh, kiến nghị vừa được cập nhật; trạng thái mới nhất được hiển thị, vui lòng xem lại trước khi thao tác.".into(),
                None,
            ),
            PetitionFilesNeedSignIn => (
                S::UNAUTHORIZED,
                "CAN_DANG_NHAP_DE_DINH_KEM_TEP",
                "Vui lòng đăng nhập để đính kèm tệp. Phản ánh, kiến nghị không kèm tệp có thể gửi mà không cần đăng nhập.".into(),
                Some("files".into()),
            ),
            PetitionKeyReused => (
                S::UNPROCESSABLE_ENTITY,
                "KHOA_CHONG_TRUNG_DA_DUNG",
                "Mã chống gửi trùng này đã được dùng cho một phản ánh, kiến nghị khác.".into(),
                Some("Idempotency-Key".into()),
            ),
            Petition(e) => petition_parts(e),
            QuestionNotFound => (
                S::NOT_FOUND,
                "HOI_DAP_KHONG_TON_TAI",
                "Không tìm thấy câu hỏi với mã câu hỏi và mã tra cứu đã nhập.".into(),
                None,
            ),
            QuestionStale(_) => (
                S::CONFLICT,
                "HOI_DAP_DA_THAY_DOI",
                "Câu hỏi vừa được người khác cập nhật; trạng thái mới nhất được hiển thị, vui lòng xem lại trước khi thao tác.".into(),
                None,
            ),
            QuestionKeyReused => (
                S::UNPROCESSABLE_ENTITY,
                "KHOA_CHONG_TRUNG_DA_DUNG",
                "Mã chống gửi trùng này đã được dùng cho một câu hỏi khác.".into(),
                Some("Idempotency-Key".into()),
            ),
            Question(e) => question_parts(e),
            Internal(_) => (S::INTERNAL_SERVER_ERROR, "LOI_HE_THONG", "Đã có lỗi xảy ra; vui lòng thử lại sau.".into(), None),
        }
    }
}

fn petition_parts(e: &domain::PetitionError) -> (StatusCode, &'static str, String, Option<String>) {
    use StatusCode as S;
    use domain::PetitionAction as A;
    use domain::PetitionError::*;
    match e {
        NotNow { stage, action } => (
            S::CONFLICT,
            "THAO_TAC_KHONG_HOP_LE",
            format!(
                "Không thể thực hiện “{}” khi phản ánh, kiến nghị đang ở trạng thái “{}”.",
                action.label_vi(),
                stage.label_vi()
            ),
            None,
        ),
        TooLateToAsk => (
            S::CONFLICT,
            "QUA_HAN_DE_NGHI_BO_SUNG",
            format!(
                "Chỉ được đề nghị bổ sung thông tin trong {} ngày làm việc kể từ khi tiếp nhận; vui lòng trả lời hoặc từ chối tiếp nhận.",
                domain::ASK_WITHIN
            ),
            None,
        ),
        NoConsent => (
            S::CONFLICT,
            "KHONG_DONG_Y_CONG_KHAI",
            "Người gửi không đồng ý công khai câu trả lời.".into(),
            None,
        ),
        AlreadyPublished => (
            S::CONFLICT,
            "DA_CONG_KHAI",
            "Câu trả lời đã được công khai.".into(),
            None,
        ),
        TooLateToReopen => (
            S::CONFLICT,
            "QUA_HAN_XEM_XET_LAI",
            format!(
                "Chỉ được đề nghị xem xét lại trong {} ngày làm việc kể từ khi có câu trả lời.",
                domain::REOPEN_WINDOW
            ),
            None,
        ),
        TextNeeded(action) => {
            let (field, message) = match action {
                A::Refuse => ("note", "Vui lòng nêu lý do từ chối tiếp nhận."),
                A::RequestInfo => ("note", "Vui lòng nêu thông tin cần bổ sung."),
                A::Reopen => ("reason", "Vui lòng nêu lý do đề nghị xem xét lại."),
                _ => ("note", "Vui lòng nhập nội dung trả lời."),
            };
            (
                S::UNPROCESSABLE_ENTITY,
                "DU_LIEU_KHONG_HOP_LE",
                message.into(),
                Some(field.into()),
            )
        }
        TextTooLong => (
            S::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE",
            format!(
                "Nội dung không quá {} ký tự.",
                crate::petitions::thousands(domain::MAX_PETITION_TEXT)
            ),
            Some("note".into()),
        ),
        OutOfOrder { .. } | Deadline(_) => (
            S::INTERNAL_SERVER_ERROR,
            "LOI_HE_THONG",
            "Đã có lỗi xảy ra; vui lòng thử lại sau.".into(),
            None,
        ),
    }
}

fn question_parts(e: &domain::QuestionError) -> (StatusCode, &'static str, String, Option<String>) {
    use StatusCode as S;
    use domain::QuestionAction as A;
    use domain::QuestionError::*;
    let invalid = |field: &str, message: String| {
        (
            S::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE",
            message,
            Some(field.to_owned()),
        )
    };
    let most = |n: usize| crate::petitions::thousands(n);
    match e {
        TitleMissing => invalid("title", "Vui lòng nhập tiêu đề câu hỏi.".into()),
        TitleTooLong => invalid(
            "title",
            format!("Tiêu đề không quá {} ký tự.", domain::MAX_QUESTION_TITLE),
        ),
        TextMissing => invalid("question", "Vui lòng nhập nội dung câu hỏi.".into()),
        TextTooLong => invalid(
            "question",
            format!(
                "Nội dung câu hỏi không quá {} ký tự.",
                most(domain::MAX_QUESTION_TEXT)
            ),
        ),
        NameMissing | NameTooLong => invalid(
            "contact.full_name",
            format!(
                "Họ và tên không được để trống và không quá {} ký tự.",
                domain::MAX_ASKER_NAME
            ),
        ),
        NoContact => invalid(
            "contact.email",
            "Vui lòng nhập thư điện tử hoặc số điện thoại để nhận câu trả lời, hoặc đăng nhập."
                .into(),
        ),
        Email(e) => invalid("contact.email", e.message_vi().into()),
        Phone(e) => invalid("contact.phone", e.message_vi().into()),
        NotNow { stage, action } => (
            S::CONFLICT,
            "THAO_TAC_KHONG_HOP_LE",
            format!(
                "Không thể thực hiện “{}” khi câu hỏi đang ở trạng thái “{}”.",
                action.label_vi(),
                stage.label_vi()
            ),
            None,
        ),
        NoteNeeded(action) => invalid(
            "note",
            match action {
                A::Answer => "Vui lòng nhập nội dung trả lời.",
                A::Decline => "Vui lòng nêu lý do từ chối trả lời.",
                _ => "Vui lòng nêu lý do gỡ câu trả lời.",
            }
            .into(),
        ),
        NoteTooLong { max, .. } => {
            invalid("note", format!("Nội dung không quá {} ký tự.", most(*max)))
        }
        OutOfOrder { .. } | BadHistory => (
            S::INTERNAL_SERVER_ERROR,
            "LOI_HE_THONG",
            "Đã có lỗi xảy ra; vui lòng thử lại sau.".into(),
            None,
        ),
    }
}

fn rating_parts(e: &domain::RatingError) -> (StatusCode, &'static str, String, Option<String>) {
    use StatusCode as S;
    use domain::RatingError::*;
    let wire = |i: &domain::Indicator| {
        serde_json::to_value(i)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    match e {
        NotYet => (
            S::CONFLICT,
            "CHUA_DEN_LUC_DANH_GIA",
            "Hồ sơ được đánh giá sau khi đã trả kết quả.".into(),
            None,
        ),
        Missing(i) => (
            S::UNPROCESSABLE_ENTITY,
            "DANH_GIA_CHUA_DU",
            format!(
                "Vui lòng chọn mức đánh giá cho tiêu chí: {}.",
                i.question_vi()
            ),
            Some(format!("answers.{}", wire(i))),
        ),
        Twice(i) => (
            S::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE",
            format!("Tiêu chí “{}” được chọn hai lần.", i.question_vi()),
            Some(format!("answers.{}", wire(i))),
        ),
        CommentTooLong => (
            S::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE",
            format!("Ý kiến không quá {} ký tự.", domain::MAX_COMMENT),
            Some("comment".into()),
        ),
        Closed(_) => (
            S::CONFLICT,
            "HET_THOI_HAN_SUA_DANH_GIA",
            format!(
                "Đánh giá chỉ sửa được trong {} giờ kể từ khi gửi.",
                domain::EDIT_WINDOW.num_hours()
            ),
            None,
        ),
    }
}

fn attachment_parts(e: &AttachmentError) -> (StatusCode, &'static str, String, Option<String>) {
    use AttachmentError::*;
    use StatusCode as S;
    let mb = |bytes: u64| bytes.div_ceil(1 << 20);
    match e {
        TooLarge { max, .. } => (S::PAYLOAD_TOO_LARGE, "TEP_QUA_LON", format!("Mỗi tệp không được lớn hơn {} MB.", mb(*max)), None),
        DossierTooLarge { max, .. } => (
            S::PAYLOAD_TOO_LARGE,
            "HO_SO_QUA_LON",
            format!("Tổng dung lượng các tệp của hồ sơ không được lớn hơn {} MB.", mb(*max)),
            None,
        ),
        Empty => (S::UNPROCESSABLE_ENTITY, "TEP_RONG", "Tệp tải lên không có nội dung.".into(), Some("size".into())),
        BadChecksum(_) => (S::UNPROCESSABLE_ENTITY, "MA_KIEM_TRA_KHONG_HOP_LE", "Mã kiểm tra SHA-256 của tệp không hợp lệ.".into(), Some("sha256".into())),
        TypeNotAllowed(_) => (
            S::UNSUPPORTED_MEDIA_TYPE,
            "LOAI_TEP_KHONG_DUOC_PHEP",
            "Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX.".into(),
            Some("content_type".into()),
        ),
        BadFileName => (S::UNPROCESSABLE_ENTITY, "TEN_TEP_KHONG_HOP_LE", "Tên tệp không hợp lệ.".into(), Some("file_name".into())),
        NotFound(_) => (
            S::UNPROCESSABLE_ENTITY,
            "TEP_CHUA_TAI_LEN",
            "Không tìm thấy tệp đã tải lên; vui lòng tải lại tệp.".into(),
            Some("files".into()),
        ),
        SizeMismatch { .. } => (
            S::UNPROCESSABLE_ENTITY,
            "KICH_THUOC_TEP_KHONG_KHOP",
            "Kích thước tệp đã tải lên khác với kích thước đã khai báo; vui lòng tải lại tệp.".into(),
            Some("files".into()),
        ),
        ChecksumMismatch(_) => (
            S::UNPROCESSABLE_ENTITY,
            "TEP_BI_THAY_DOI",
            "Nội dung tệp đã tải lên không khớp với mã kiểm tra; vui lòng tải lại tệp.".into(),
            Some("files".into()),
        ),
        ContentMismatch { .. } => (
            S::UNSUPPORTED_MEDIA_TYPE,
            "NOI_DUNG_TEP_KHONG_HOP_LE",
            "Nội dung tệp không đúng loại tệp đã khai báo hoặc không phải PDF, JPEG, PNG, DOCX, XLSX.".into(),
            Some("files".into()),
        ),
        Store(_) => (
            S::SERVICE_UNAVAILABLE,
            "DICH_VU_TAM_GIAN_DOAN",
            "Dịch vụ tạm thời gián đoạn; vui lòng thử lại sau ít phút.".into(),
            None,
        ),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::DossierNotFound,
            StoreError::Conflict { current } => ApiError::Conflict { current },
            StoreError::IdempotencyMismatch => ApiError::IdempotencyMismatch,
            StoreError::SequenceExhausted(_) | StoreError::Contention(_) => {
                ApiError::Busy(e.to_string())
            }
            StoreError::Unavailable(_) => ApiError::Unavailable(e.to_string()),
            StoreError::BadCursor => {
                ApiError::invalid("cursor", "Tham số phân trang không hợp lệ.", e)
            }
            StoreError::Corrupt(_) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<AttachmentError> for ApiError {
    fn from(e: AttachmentError) -> Self {
        match e {
            AttachmentError::Store(inner) => inner.into(),
            other => ApiError::Attachment(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, title, field) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, code, "request failed");
        } else {
            tracing::info!(error = %self, code, "request refused");
        }
        let detail = match &self {
            ApiError::Invalid { detail, .. } | ApiError::MalformedJson(detail) => {
                Some(detail.clone())
            }
            ApiError::Attachment(e) => Some(e.to_string()),
            ApiError::Refused { detail, .. } => Some(detail.clone()),
            ApiError::Petition(e) => Some(e.to_string()),
            ApiError::Question(e) => Some(e.to_string()),
            _ => None,
        };
        let current = match self {
            ApiError::Stale(state)
            | ApiError::PetitionStale(state)
            | ApiError::QuestionStale(state) => Some(*state),
            _ => None,
        };
        let body = Problem {
            kind: format!("/problems/{}", code.to_lowercase().replace('_', "-")),
            title,
            status: status.as_u16(),
            code,
            detail,
            field,
            current,
        };
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            Json(body),
        )
            .into_response()
    }
}
