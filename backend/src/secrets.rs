//! Connection secrets at rest: XChaCha20-Poly1305 (RustCrypto) under a 32-byte
//! key from `SLUICE_SECRET_KEY` (base64 or hex) or `<data-dir>/secret.key`
//! (created with mode 0600 on first start). Every value gets a random 24-byte
//! nonce, and the connection's name is bound in as associated data, so a
//! ciphertext cannot be moved to another connection.
//!
//! Stored form: `v1:<key id>:<base64(nonce ‖ ciphertext)>`; the key id is the
//! first 8 bytes of the key's SHA-256, in hex, so a value says which key it
//! needs and a rotation (`sluice secrets rotate`) can be checked.
//!
//! A plaintext only lives in a [`Secret`], whose `Debug` prints `***`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable that holds the key (base64 or hex of 32 bytes).
pub const KEY_ENV: &str = "SLUICE_SECRET_KEY";
/// The key file's name in the data dir.
pub const KEY_FILE: &str = "secret.key";
const VERSION: &str = "v1";
const NONCE_LEN: usize = 24;

/// A plaintext secret. It prints as `***`; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The plaintext, for the driver only. Never log or print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The key secrets are encrypted under. Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct Keyring {
    key: [u8; 32],
    id: String,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring").field("id", &self.id).finish()
    }
}

/// Where a key came from, for messages (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    File(PathBuf),
}

impl Keyring {
    pub fn from_bytes(key: [u8; 32]) -> Self {
        let id = hex::encode(&Sha256::digest(key)[..8]);
        Keyring { key, id }
    }

    /// A key written as base64 or hex of 32 bytes (surrounding space ignored).
    /// The error never repeats the text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).ok()
        } else {
            B64.decode(t).ok()
        };
        match bytes.map(<[u8; 32]>::try_from) {
            Some(Ok(key)) => Ok(Keyring::from_bytes(key)),
            _ => Err("a secret key is 32 bytes written as base64 (44 characters) or hex (64 characters)".into()),
        }
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let key = chacha20poly1305::Key::generate();
        Keyring::from_bytes(key.into())
    }

    /// The key as a key file holds it (base64).
    pub fn to_text(&self) -> String {
        B64.encode(self.key)
    }

    /// The key id every value encrypted under this key carries.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The server's key: `SLUICE_SECRET_KEY` when set, else `<data_dir>/secret.key`,
    /// created (0600) with a random key when missing.
    pub fn load(data_dir: &Path) -> Result<(Self, KeySource), String> {
        Self::load_with(data_dir, std::env::var(KEY_ENV).ok())
    }

    /// [`Keyring::load`] with the environment variable's value given.
    pub fn load_with(data_dir: &Path, env: Option<String>) -> Result<(Self, KeySource), String> {
        if let Some(v) = env.filter(|v| !v.trim().is_empty()) {
            return Keyring::parse(&v).map(|k| (k, KeySource::Env)).map_err(|e| format!("{KEY_ENV}: {e}"));
        }
        let path = data_dir.join(KEY_FILE);
        let key = Keyring::read_or_create(&path)?;
        Ok((key, KeySource::File(path)))
    }

    /// Reads a key file, or creates it (mode 0600, never replacing one that
    /// appeared meanwhile) with a new random key.
    pub fn read_or_create(path: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                warn_if_shared(path);
                return Keyring::parse(&text).map_err(|e| format!("{}: {e}", path.display()));
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot read the key file {}: {e}", path.display()));
            }
            Err(_) => {}
        }
        let key = Keyring::generate();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        match opts.open(path) {
            Ok(mut f) => {
                f.write_all(format!("{}\n", key.to_text()).as_bytes())
                    .and_then(|()| f.sync_all())
                    .map_err(|e| format!("cannot write the key file {}: {e}", path.display()))?;
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Keyring::read_or_create(path),
            Err(e) => Err(format!("cannot create the key file {}: {e}", path.display())),
        }
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.key.into())
    }

    /// Encrypts `secret` for the connection `name` under a fresh random nonce.
    pub fn seal(&self, name: &str, secret: &Secret) -> Result<String, String> {
        let nonce = XNonce::generate();
        let sealed = self
            .cipher()
            .encrypt(&nonce, Payload { msg: secret.expose().as_bytes(), aad: name.as_bytes() })
            .map_err(|_| "encrypting the secret failed".to_string())?;
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        Ok(format!("{VERSION}:{}:{}", self.id, B64.encode(blob)))
    }

    /// Decrypts a stored value of the connection `name`. Errors say what is
    /// wrong (another key, a damaged value) and never carry the value.
    pub fn open(&self, name: &str, stored: &str) -> Result<Secret, String> {
        let mut parts = stored.splitn(3, ':');
        let (Some(VERSION), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("the stored secret of `{name}` is not in a form this server reads"));
        };
        if id != self.id {
            return Err(format!(
                "the secret of `{name}` was encrypted under key {id}, but this server has key {}; \
                 start it with the key the secrets were written with (or rotate them)",
                self.id
            ));
        }
        let blob = B64.decode(body).map_err(|_| format!("the stored secret of `{name}` is damaged"))?;
        if blob.len() < NONCE_LEN {
            return Err(format!("the stored secret of `{name}` is damaged"));
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| format!("the stored secret of `{name}` is damaged"))?;
        let plain = self
            .cipher()
            .decrypt(&nonce, Payload { msg: sealed, aad: name.as_bytes() })
            .map_err(|_| format!("the stored secret of `{name}` does not decrypt under key {}", self.id))?;
        String::from_utf8(plain).map(Secret).map_err(|_| format!("the stored secret of `{name}` is damaged"))
    }
}

/// Re-encrypts every stored secret from `old` to `new` in one transaction.
/// A value that does not open under `old` stops it, and nothing changes.
pub async fn rotate(store: &crate::store::Store, old: &Keyring, new: &Keyring) -> Result<usize, String> {
    store.reseal_secrets(|name, sealed| new.seal(name, &old.open(name, sealed)?)).await
}

/// `sluice secrets rotate`: the server's current key (as `sluice serve` would
/// load it) to the key in `new_key_file`. Returns the line to print; what to
/// do next is in it (the server must then start with the new key).
pub async fn rotate_cli(data_dir: &Path, database_url: Option<&str>, new_key_file: &Path) -> Result<String, String> {
    let (old, source) = Keyring::load(data_dir)?;
    let new = Keyring::read_or_create(new_key_file)?;
    if new.id() == old.id() {
        return Err(format!("{} holds the current key ({}); give a new one", new_key_file.display(), old.id()));
    }
    let url = database_url.map(str::to_string).unwrap_or_else(|| crate::store::Store::sqlite_url(data_dir));
    let store = crate::store::Store::open(&url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    let n = rotate(&store, &old, &new).await?;
    let next = match source {
        KeySource::File(path) => format!("replace {} with {}", path.display(), new_key_file.display()),
        KeySource::Env => format!("set {KEY_ENV} to the contents of {}", new_key_file.display()),
    };
    Ok(format!(
        "Re-encrypted {n} secret(s) from key {} to key {}. Now {next} before the server starts again.",
        old.id(),
        new.id()
    ))
}

/// Says so (once per read) when a key file can be read by other users.
fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            eprintln!("warning: {} can be read by other users; `chmod 600` it", path.display());
        }
    }
}

/// The key id a stored value names, if it has the stored form.
pub fn key_id_of(stored: &str) -> Option<&str> {
    let mut parts = stored.splitn(3, ':');
    (parts.next() == Some(VERSION)).then(|| parts.next()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_with_a_fresh_nonce_and_only_for_their_connection() {
        let k = Keyring::generate();
        let s = Secret::new("pa:ss@w/rd");
        let a = k.seal("core", &s).unwrap();
        let b = k.seal("core", &s).unwrap();
        assert_ne!(a, b, "a random nonce per value");
        assert!(!a.contains("pa:ss"));
        assert_eq!(k.open("core", &a).unwrap(), s);
        assert!(k.open("other", &a).unwrap_err().contains("does not decrypt"));
        let other = Keyring::generate();
        assert!(other.open("core", &a).unwrap_err().contains(k.id()));
        assert_eq!(key_id_of(&a), Some(k.id()));
        assert_eq!(format!("{s:?}"), "***");
        assert!(!format!("{k:?}").contains(&k.to_text()));
    }

    #[test]
    fn keys_read_as_base64_or_hex_and_nothing_else() {
        let k = Keyring::generate();
        assert_eq!(Keyring::parse(&k.to_text()).unwrap().id(), k.id());
        assert_eq!(Keyring::parse(&hex::encode(k.key)).unwrap().id(), k.id());
        let e = Keyring::parse("too-short").unwrap_err();
        assert!(e.contains("32 bytes"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = Keyring::load_with(dir.path(), Some("nope".into())).unwrap_err();
        assert!(e.starts_with("SLUICE_SECRET_KEY:"), "{e}");
    }
}
