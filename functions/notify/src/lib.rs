//! Tells applicants of every status change (the GOV.UK Notify lesson: push,
//! don't wait for "where is my application?"), and the senders of feedback
//! and petitions of every step of theirs. Changes queue an outbox record in
//! the same transaction as the change — dossiers' in `OUTBOX#NOTIFY`,
//! petitions' in `OUTBOX#NOTIFY#PAKN`; [`dispatch`] turns pending records of
//! both into messages ([`compose`], [`compose_petition`]) and sends them
//! through a [`Notifier`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use aws_smithy_types::error::display::DisplayErrorContext;
use domain::{
    Email, Event, PetitionAction, PetitionEvent, PetitionStage, PhoneNumber, REOPEN_WINDOW,
};
use store::{DossierRecord, OutboxKind, PetitionRecord, Store, StoreError};

/// One message to one applicant, by e-mail and/or SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
    pub subject: String,
    pub body: String,
    pub sms: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("sending failed: {0}")]
    Send(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>>;

/// Where messages go: AWS in production, a local outbox in development.
pub trait Notifier: Send + Sync {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a>;
}

/// E-mail through SES, SMS through SNS.
pub struct AwsNotifier {
    ses: aws_sdk_sesv2::Client,
    sns: aws_sdk_sns::Client,
    from: String,
}

impl AwsNotifier {
    pub fn new(sdk: &aws_config::SdkConfig, from: impl Into<String>) -> Self {
        Self {
            ses: aws_sdk_sesv2::Client::new(sdk),
            sns: aws_sdk_sns::Client::new(sdk),
            from: from.into(),
        }
    }
}

impl Notifier for AwsNotifier {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            use aws_sdk_sesv2::types::{
                Body, Content, Destination, EmailContent, Message as SesMessage,
            };
            if let Some(email) = &message.email {
                let content = |text: &str| {
                    Content::builder()
                        .data(text)
                        .charset("UTF-8")
                        .build()
                        .map_err(|e| NotifyError::Send(e.to_string()))
                };
                let body = SesMessage::builder()
                    .subject(content(&message.subject)?)
                    .body(Body::builder().text(content(&message.body)?).build())
                    .build();
                self.ses
                    .send_email()
                    .from_email_address(&self.from)
                    .destination(Destination::builder().to_addresses(email.as_str()).build())
                    .content(EmailContent::builder().simple(body).build())
                    .send()
                    .await
                    .map_err(|e| NotifyError::Send(DisplayErrorContext(e).to_string()))?;
            }
            if let Some(phone) = &message.phone {
                self.sns
                    .publish()
                    .phone_number(phone.e164())
                    .message(&message.sms)
                    .send()
                    .await
                    .map_err(|e| NotifyError::Send(DisplayErrorContext(e).to_string()))?;
            }
            Ok(())
        })
    }
}

/// Development: messages are kept in memory and shown by the dev server.
#[derive(Default)]
pub struct LocalOutbox {
    messages: Mutex<Vec<Message>>,
}

impl LocalOutbox {
    /// Messages sent so far, newest first.
    pub fn messages(&self) -> Vec<Message> {
        let mut all = self.messages.lock().expect("outbox poisoned").clone();
        all.reverse();
        all
    }
}

impl Notifier for LocalOutbox {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            self.messages
                .lock()
                .expect("outbox poisoned")
                .push(message.clone());
            Ok(())
        })
    }
}

/// The Vietnamese message for `event` of `record`, if it is news to the
/// applicant: a change of status, or a new appointment (Mẫu 04). Moves
/// inside the agency (a specialist assigned, a draft forwarded) are not.
pub fn compose(record: &DossierRecord, event: &Event, public_url: &str) -> Option<Message> {
    let status = event.to.national();
    let new_date = match event.action {
        domain::Action::Extend { new_due } => Some(format!(
            "\nNgày hẹn trả kết quả mới: {}.",
            new_due.format("%H:%M ngày %d/%m/%Y")
        )),
        _ => None,
    };
    let status_changed = event.from.is_none_or(|from| from.national() != status);
    if !status_changed && new_date.is_none() {
        return None;
    }
    let time = event.at.format("%H:%M ngày %d/%m/%Y");
    let link = format!("{public_url}/tra-cuu/?ma={}", record.code);
    let note = event
        .note
        .as_deref()
        .map(|n| format!("\nNội dung: {n}"))
        .unwrap_or_default()
        + new_date.as_deref().unwrap_or_default();
    // The result is in the applicant's hands: ask how it went (TT 01/2018).
    let returned = event.to == domain::Stage::Returned;
    let invitation = if returned {
        format!(
            "\n\nMời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ (9 tiêu chí, khoảng 1 phút), trong {} giờ tới vẫn có thể sửa: {link}&muc=danh-gia",
            domain::EDIT_WINDOW.num_hours()
        )
    } else {
        String::new()
    };
    let body = format!(
        "Kính gửi {name},\n\nHồ sơ {code} ({procedure}): {action} lúc {time}.\nTrạng thái hiện tại: {status}.{note}\n\nTra cứu hồ sơ: {link}{invitation}\n\nĐây là thư tự động của Cổng dịch vụ công; vui lòng không trả lời thư này.",
        name = record.applicant.full_name,
        code = record.code,
        procedure = record.procedure_name,
        action = event.action.label_vi(),
        status = status.label_vi(),
    );
    Some(Message {
        email: record.applicant.email.clone(),
        phone: Some(record.applicant.phone.clone()),
        subject: format!("Hồ sơ {}: {}", record.code, status.label_vi()),
        body,
        sms: if returned {
            format!(
                "DVC: Ho so {} - {}. Moi danh gia muc do hai long: {link}&muc=danh-gia",
                record.code,
                status.label_vi()
            )
        } else {
            format!(
                "DVC: Ho so {} - {}. Tra cuu: {link}",
                record.code,
                status.label_vi()
            )
        },
    })
}

/// The Vietnamese message for step `event` of petition `record`, if it is
/// news to the sender: received (with the code), refused (with the reason),
/// information asked for, answered, published, reopened. The sender's own
/// information needs no message (their page said it was sent); a petition
/// sent on the national portal is followed there, and its sender hears
/// from that portal (which gets its result).
pub fn compose_petition(
    record: &PetitionRecord,
    event: &PetitionEvent,
    public_url: &str,
) -> Option<Message> {
    if record.national.is_some() {
        return None;
    }
    let code = &record.code;
    let time = event.at.format("%H:%M ngày %d/%m/%Y");
    let link = format!("{public_url}/tra-cuu-phan-anh/?ma={code}");
    // The answer's due time the record holds is this step's only while no
    // later step moved it.
    let answer_by = (record.last_moved_at == event.at && record.stage == PetitionStage::Received)
        .then(|| record.answer_by.format("%H:%M ngày %d/%m/%Y").to_string());
    let due = |text: &str| {
        answer_by
            .as_ref()
            .map(|by| format!("\n{text} chậm nhất vào {by}."))
            .unwrap_or_default()
    };
    let note = event.note.as_deref().unwrap_or_default();
    let kind = record.kind.label_vi();
    let (headline, detail, sms) = match event.action {
        None => (
            "đã được tiếp nhận".to_owned(),
            format!(
                "{kind} \"{title}\" của ông/bà đã được tiếp nhận lúc {time}, mã {code}.{due}",
                title = record.title,
                due = due("Cơ quan trả lời"),
            ),
            format!("DVC: Da tiep nhan phan anh, kien nghi {code}. Theo doi: {link}"),
        ),
        Some(PetitionAction::Refuse) => (
            "bị từ chối tiếp nhận".to_owned(),
            format!("{kind} {code} không được tiếp nhận (lúc {time}).\nLý do: {note}"),
            format!("DVC: Phan anh, kien nghi {code} khong duoc tiep nhan. Xem ly do: {link}"),
        ),
        Some(PetitionAction::RequestInfo) => (
            "cần bổ sung thông tin".to_owned(),
            format!(
                "Cơ quan đề nghị ông/bà bổ sung thông tin cho {kind} {code} (lúc {time}):\n{note}\n\nThời hạn trả lời tạm dừng cho đến khi ông/bà bổ sung, trên trang theo dõi dưới đây."
            ),
            format!("DVC: Phan anh, kien nghi {code} can bo sung thong tin: {link}"),
        ),
        Some(PetitionAction::Answer) => (
            "đã được trả lời".to_owned(),
            format!(
                "{kind} {code} đã được trả lời lúc {time}:\n\n{note}\n\nNếu câu trả lời chưa giải quyết được việc ông/bà nêu, trong {REOPEN_WINDOW} ngày làm việc ông/bà có thể đề nghị xem xét lại trên trang theo dõi."
            ),
            format!("DVC: Phan anh, kien nghi {code} da duoc tra loi. Xem: {link}"),
        ),
        Some(PetitionAction::Publish) => (
            "câu trả lời đã được công khai".to_owned(),
            format!(
                "Theo sự đồng ý của ông/bà, câu trả lời cho {kind} {code} đã được công khai trên Cổng lúc {time} (không kèm họ tên và thông tin liên hệ của ông/bà): {public_url}{page}",
                page = store::published_petition_path(code),
            ),
            format!("DVC: Cau tra loi phan anh, kien nghi {code} da duoc cong khai."),
        ),
        Some(PetitionAction::Reopen) => (
            "đề nghị xem xét lại đã được tiếp nhận".to_owned(),
            format!(
                "Đề nghị xem xét lại {kind} {code} của ông/bà đã được tiếp nhận lúc {time}.{due}",
                due = due("Cơ quan trả lời lần nữa")
            ),
            format!("DVC: Da tiep nhan de nghi xem xet lai {code}. Theo doi: {link}"),
        ),
        Some(PetitionAction::ProvideInfo) => return None,
    };
    let body = format!(
        "Kính gửi {name},\n\n{detail}\n\nTheo dõi phản ánh, kiến nghị (cần mã tra cứu nhận khi gửi, trừ khi ông/bà gửi khi đã đăng nhập): {link}\n\nĐây là thư tự động của Cổng dịch vụ công; vui lòng không trả lời thư này.",
        name = record.contact.name,
    );
    Some(Message {
        email: record.contact.email.clone(),
        phone: Some(record.contact.phone.clone()),
        subject: format!("{kind} {code}: {headline}"),
        body,
        sms,
    })
}

/// Sends up to `limit` pending notifications of dossiers, and up to `limit`
/// of petitions; returns how many were sent. A failed send stays queued for
/// the next round.
pub async fn dispatch(
    store: &Store,
    notifier: &dyn Notifier,
    public_url: &str,
    limit: u16,
) -> Result<usize, NotifyError> {
    let dossiers = dispatch_dossiers(store, notifier, public_url, limit).await?;
    let petitions = dispatch_petitions(store, notifier, public_url, limit).await?;
    Ok(dossiers + petitions)
}

async fn dispatch_dossiers(
    store: &Store,
    notifier: &dyn Notifier,
    public_url: &str,
    limit: u16,
) -> Result<usize, NotifyError> {
    let mut sent = 0;
    for entry in store.pending_outbox(OutboxKind::Notify, limit).await? {
        let (record, events) = match store.load(&entry.code).await {
            Ok(found) => found,
            Err(StoreError::NotFound) => {
                store
                    .remove_outbox(OutboxKind::Notify, std::slice::from_ref(&entry))
                    .await?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let Some(event) = events.iter().find(|e| e.seq == entry.seq) else {
            store
                .remove_outbox(OutboxKind::Notify, std::slice::from_ref(&entry))
                .await?;
            continue;
        };
        let Some(message) = compose(&record, event, public_url) else {
            store
                .remove_outbox(OutboxKind::Notify, std::slice::from_ref(&entry))
                .await?;
            continue;
        };
        match notifier.send(&message).await {
            Ok(()) => {
                store
                    .remove_outbox(OutboxKind::Notify, std::slice::from_ref(&entry))
                    .await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(code = %entry.code, seq = entry.seq, error = %e, "notification not sent; will retry")
            }
        }
    }
    Ok(sent)
}

async fn dispatch_petitions(
    store: &Store,
    notifier: &dyn Notifier,
    public_url: &str,
    limit: u16,
) -> Result<usize, NotifyError> {
    let mut sent = 0;
    let mut done = Vec::new();
    for notice in store.pending_petition_notices(limit).await? {
        let (record, steps) = match store.load_petition(&notice.code).await {
            Ok(found) => found,
            Err(StoreError::NotFound) => {
                done.push(notice);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let message = steps
            .iter()
            .find(|s| s.event.seq == notice.seq)
            .and_then(|s| compose_petition(&record, &s.event, public_url));
        let Some(message) = message else {
            done.push(notice);
            continue;
        };
        match notifier.send(&message).await {
            Ok(()) => {
                sent += 1;
                done.push(notice);
            }
            Err(e) => {
                tracing::warn!(code = %notice.code, seq = notice.seq, error = %e, "notification not sent; will retry")
            }
        }
    }
    store.remove_petition_notices(&done).await?;
    Ok(sent)
}
