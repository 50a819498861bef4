//! A development OpenID issuer: a key made at start-up, its JWKS, and tokens
//! for demo accounts. Compiled only into debug builds and tests, so no
//! release or Lambda binary can sign anyone in with it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::{EncodePrivateKey, LineEnding};

use crate::auth::{AuthSettings, Claims};

pub struct DevIssuer {
    pub settings: AuthSettings,
    kid: String,
    key: EncodingKey,
    jwks: JwkSet,
}

impl DevIssuer {
    /// A fresh signing key for `issuer`/`audience`.
    pub fn new(issuer: &str, audience: &str) -> Self {
        let secret = loop {
            let bytes: [u8; 32] = rand::random();
            if let Ok(secret) = p256::SecretKey::from_slice(&bytes) {
                break secret;
            }
        };
        let pem = secret
            .to_pkcs8_pem(LineEnding::LF)
            .expect("a P-256 key encodes");
        let key = EncodingKey::from_ec_pem(pem.as_bytes()).expect("the PEM just made is valid");
        let point = secret.public_key().to_encoded_point(false);
        let kid = format!("dev-{}", hex::encode(rand::random::<[u8; 4]>()));
        let jwk = serde_json::json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(point.x().expect("uncompressed point")),
            "y": URL_SAFE_NO_PAD.encode(point.y().expect("uncompressed point")),
        });
        let jwks: JwkSet =
            serde_json::from_value(serde_json::json!({ "keys": [jwk] })).expect("a valid JWK");
        Self {
            settings: AuthSettings {
                issuer: issuer.to_owned(),
                audience: audience.to_owned(),
                jwks_url: None,
                jwks: None,
            },
            kid,
            key,
            jwks,
        }
    }

    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// A token valid for an hour.
    pub fn token(&self, subject: &str, name: &str, roles: &[&str], agency: Option<&str>) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        self.sign(&Claims {
            sub: subject.to_owned(),
            iss: self.settings.issuer.clone(),
            aud: self.settings.audience.clone(),
            exp: now + 3600,
            iat: now,
            name: Some(name.to_owned()),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            agency: agency.map(str::to_owned),
        })
    }

    /// Signs any claims (tests use it for expired or foreign tokens).
    pub fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        encode(&header, claims, &self.key).expect("signing with a valid key")
    }
}
