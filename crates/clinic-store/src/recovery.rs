//! The recovery key: a secret printed on paper that opens a clinic's data when the OS keyring no longer
//! holds the database key (a new OS user, a reinstalled system, a new computer).
//!
//! The printed key derives a key-encryption key (KEK). `store.json` holds the database key sealed with
//! the KEK, so the printed key and the data folder together open the database; every backup carries its
//! own key sealed the same way. The KEKs themselves live inside the encrypted database (the local table
//! `recovery_keys`), so the app can seal a changed database key, or open its own backups, without the
//! paper. Replacing the recovery key adds a KEK; older ones stay, so older backups still open.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::audit::AuditEvent;
use crate::{StoreError, StoreResult, WriteTx, format_instant};

/// Crockford's base 32: no I, L, O or U, so the printed key cannot be misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SECRET_BYTES: usize = 20;
/// 20 bytes are 32 characters of 5 bits; 4 more characters are a checksum that catches typos.
const KEY_CHARS: usize = 32;
const CHECK_CHARS: usize = 4;
const GROUP: usize = 4;
/// Binds a sealed key to its purpose, so a sealed blob cannot be passed off as anything else.
const SEAL_CONTEXT: &[u8] = b"clinic database key v1";

/// The secret printed on the recovery sheet; wiped from memory when dropped.
pub struct RecoveryKey(Zeroizing<[u8; SECRET_BYTES]>);

impl RecoveryKey {
    /// A new random key, to be shown and printed (and adopted with `Store::adopt_recovery_key`).
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        rand::rng().fill_bytes(bytes.as_mut());
        RecoveryKey(bytes)
    }

    /// Reads a key as a person types it: any case, with or without dashes and spaces; O is read as 0
    /// and I or L as 1.
    pub fn parse(text: &str) -> StoreResult<RecoveryKey> {
        let mut values = Vec::with_capacity(KEY_CHARS + CHECK_CHARS);
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            let value = ALPHABET
                .iter()
                .position(|a| char::from(*a) == c)
                .ok_or(StoreError::RecoveryKeyCharacter(c))?;
            values.push(value as u8);
        }
        if values.len() != KEY_CHARS + CHECK_CHARS {
            return Err(StoreError::RecoveryKeyLength {
                expected: KEY_CHARS + CHECK_CHARS,
                groups: (KEY_CHARS + CHECK_CHARS) / GROUP,
                found: values.len(),
            });
        }
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        let (mut acc, mut bits, mut out) = (0u32, 0u32, 0usize);
        for value in &values[..KEY_CHARS] {
            acc = (acc << 5) | u32::from(*value);
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes[out] = (acc >> bits) as u8;
                out += 1;
                acc &= (1 << bits) - 1;
            }
        }
        let key = RecoveryKey(bytes);
        if key.checksum() != values[KEY_CHARS..] {
            return Err(StoreError::RecoveryKeyTypo);
        }
        Ok(key)
    }

    /// The key as printed: nine groups of four, e.g. `K7Q2-9XHM-…-C4F7`.
    pub fn to_display(&self) -> Zeroizing<String> {
        let mut values: Vec<u8> = Vec::with_capacity(KEY_CHARS + CHECK_CHARS);
        let (mut acc, mut bits) = (0u32, 0u32);
        for byte in self.0.iter() {
            acc = (acc << 8) | u32::from(*byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                values.push(((acc >> bits) & 31) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        values.extend(self.checksum());
        let chars: Vec<char> = values
            .iter()
            .map(|v| char::from(ALPHABET[usize::from(*v)]))
            .collect();
        Zeroizing::new(
            chars
                .chunks(GROUP)
                .map(|g| g.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-"),
        )
    }

    fn checksum(&self) -> [u8; CHECK_CHARS] {
        let digest = Sha256::new()
            .chain_update(b"clinic recovery key checksum")
            .chain_update(self.0.as_ref())
            .finalize();
        let bits = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) >> 12;
        std::array::from_fn(|i| ((bits >> (5 * (CHECK_CHARS - 1 - i))) & 31) as u8)
    }

    /// The key-encryption key this recovery key stands for.
    pub(crate) fn kek(&self) -> Kek {
        let mut bytes = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(Some(b"clinic recovery"), self.0.as_ref())
            .expand(b"key-encryption key v1", bytes.as_mut())
            .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF-SHA256 output length"));
        Kek::from_bytes(bytes)
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(<secret>)")
    }
}

/// Keeps a KEK in the database as the current one, in the caller's transaction, and audits it.
pub(crate) fn insert_kek(tx: &mut WriteTx<'_>, kek: &Kek, printed: bool) -> StoreResult<()> {
    let at = format_instant(tx.now());
    tx.tx.execute(
        "INSERT INTO recovery_keys (kek_id, kek, printed, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![kek.id, &kek.bytes[..], printed, at, tx.user_id],
    )?;
    tx.audit(AuditEvent {
        action: "recovery_key_created".into(),
        entity: "recovery_keys".into(),
        entity_id: Some(kek.id.clone()),
        ..AuditEvent::default()
    })
}

/// The KEK new keys are sealed with: the newest.
pub(crate) fn current_kek(conn: &rusqlite::Connection) -> StoreResult<Kek> {
    kek_where(conn, "ORDER BY seq DESC LIMIT 1", [])?.ok_or_else(|| {
        StoreError::Constraint("the store has no recovery key (its migration did not run)".into())
    })
}

/// A KEK by its id, current or older.
pub(crate) fn kek_by_id(conn: &rusqlite::Connection, id: &str) -> StoreResult<Option<Kek>> {
    kek_where(conn, "WHERE kek_id = ?1", [id])
}

fn kek_where<P: rusqlite::Params>(
    conn: &rusqlite::Connection,
    clause: &str,
    params: P,
) -> StoreResult<Option<Kek>> {
    use rusqlite::OptionalExtension;
    let found: Option<(String, Zeroizing<Vec<u8>>)> = conn
        .query_row(
            &format!("SELECT kek_id, kek FROM recovery_keys {clause}"),
            params,
            |r| Ok((r.get(0)?, Zeroizing::new(r.get(1)?))),
        )
        .optional()?;
    let Some((id, bytes)) = found else {
        return Ok(None);
    };
    let bytes: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| StoreError::Constraint(format!("recovery key {id} is damaged")))?;
    Ok(Some(Kek {
        id,
        bytes: Zeroizing::new(bytes),
    }))
}

/// A key-encryption key, with the id that names it in sealed keys.
pub(crate) struct Kek {
    pub id: String,
    pub bytes: Zeroizing<[u8; 32]>,
}

impl Kek {
    pub fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Kek {
        let digest = Sha256::new()
            .chain_update(b"clinic recovery key id")
            .chain_update(bytes.as_ref())
            .finalize();
        Kek {
            id: hex::encode(&digest[..8]),
            bytes,
        }
    }

    /// Seals a 32-byte key (XChaCha20-Poly1305, random nonce).
    pub fn seal(&self, key: &[u8; 32]) -> SealedKey {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = XChaCha20Poly1305::new(self.bytes.as_ref().into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: key,
                    aad: SEAL_CONTEXT,
                },
            )
            .unwrap_or_else(|_| unreachable!("sealing 32 bytes in memory cannot fail"));
        SealedKey {
            kek_id: self.id.clone(),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        }
    }

    /// Opens a key sealed with this KEK; fails if it was sealed with another or was altered.
    pub fn open(&self, sealed: &SealedKey) -> StoreResult<Zeroizing<[u8; 32]>> {
        let damaged = || StoreError::SealedKeyDamaged;
        if sealed.kek_id != self.id {
            return Err(StoreError::RecoveryKeyMismatch);
        }
        let nonce = hex::decode(&sealed.nonce).map_err(|_| damaged())?;
        let data = hex::decode(&sealed.sealed).map_err(|_| damaged())?;
        if nonce.len() != 24 {
            return Err(damaged());
        }
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(self.bytes.as_ref().into())
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &data,
                        aad: SEAL_CONTEXT,
                    },
                )
                .map_err(|_| damaged())?,
        );
        let key: [u8; 32] = plain.as_slice().try_into().map_err(|_| damaged())?;
        Ok(Zeroizing::new(key))
    }
}

/// A database or backup key sealed with a KEK, as stored in `store.json` and in backup files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SealedKey {
    pub kek_id: String,
    pub nonce: String,
    pub sealed: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_as_printed_and_as_typed() {
        let key = RecoveryKey::generate();
        let printed = key.to_display();
        assert_eq!(printed.len(), 36 + 8);
        assert_eq!(printed.split('-').count(), 9);
        let again = RecoveryKey::parse(&printed).unwrap();
        assert_eq!(*again.to_display(), *printed);
        let typed = printed
            .replace('-', " ")
            .to_lowercase()
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(*RecoveryKey::parse(&typed).unwrap().to_display(), *printed);
        assert_eq!(again.kek().id, key.kek().id);
    }

    #[test]
    fn typos_and_wrong_lengths_are_named() {
        let printed = RecoveryKey::generate().to_display();
        let mut typo: Vec<char> = printed.chars().collect();
        typo[5] = if typo[5] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        let err = RecoveryKey::parse(&typo).unwrap_err();
        assert!(err.to_string().contains("typo"), "{err}");
        let err = RecoveryKey::parse(&printed[..30]).unwrap_err();
        assert!(err.to_string().contains("36 letters and digits"), "{err}");
        let err = RecoveryKey::parse(&printed.replace(&printed[..1], "U")).unwrap_err();
        assert!(err.to_string().contains("'U'"), "{err}");
    }

    #[test]
    fn a_sealed_key_opens_only_with_its_kek_and_unaltered() {
        let key = [7u8; 32];
        let kek = RecoveryKey::generate().kek();
        let sealed = kek.seal(&key);
        assert_eq!(*kek.open(&sealed).unwrap(), key);
        let other = RecoveryKey::generate().kek();
        assert!(matches!(
            other.open(&sealed),
            Err(StoreError::RecoveryKeyMismatch)
        ));
        let mut altered = sealed.clone();
        altered.sealed.replace_range(0..2, "00");
        if altered.sealed != sealed.sealed {
            assert!(kek.open(&altered).is_err());
        }
    }
}
