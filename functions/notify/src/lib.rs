//! Tells applicants of every status change (the GOV.UK Notify lesson: push,
//! don't wait for "where is my application?"). Changes queue an outbox
//! record in the same transaction as the change; [`dispatch`] turns pending
//! records into messages and sends them through a [`Notifier`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use aws_smithy_types::error::display::DisplayErrorContext;
use domain::{Email, Event, PhoneNumber};
use store::{DossierRecord, OutboxKind, Store, StoreError};

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

/// Sends up to `limit` pending notifications; returns how many were sent.
/// A failed send stays queued for the next round.
pub async fn dispatch(
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
