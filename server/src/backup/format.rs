//! The backup file: a readable header, then the dump compressed and sealed with the backup key,
//! then a SHA-256 of everything before it.
//!
//! ```text
//! "SYEI-BAK" | version (u16 BE) | header length (u32 BE) | header (JSON) | stream nonce (19 bytes)
//! | ciphertext: XChaCha20-Poly1305 STREAM (BE32), 64 KiB plaintext chunks, each + 16-byte tag
//! | SHA-256 of all the bytes above (32 bytes)
//! ```
//!
//! The header says which backup key sealed the file and when, and of which database; it holds
//! no clinic data (table names and row counts travel inside the ciphertext). Every chunk is
//! authenticated with the whole prefix as associated data, so a changed header, a reordered,
//! dropped or appended chunk, or a truncated file does not decrypt. The checksum comes first
//! all the same: it tells "this file is damaged" (a disk, a copy) apart from "this is the wrong
//! key", and is checked over the whole file before a byte of it reaches the database.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::key::BackupKey;

pub const MAGIC: &[u8; 8] = b"SYEI-BAK";
pub const VERSION: u16 = 1;
/// Plaintext bytes per sealed chunk.
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
/// XChaCha20's 24-byte nonce less STREAM-BE32's 5 bytes of counter and last-chunk flag.
const NONCE: usize = 19;
const CHECKSUM: usize = 32;
/// A header is a few hundred bytes; anything much larger is not one of ours.
const MAX_HEADER: u32 = 64 * 1024;

/// What a backup says about itself, readable without the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The backup key that sealed it (its id in the backup key file).
    pub key_id: String,
    pub created_at: DateTime<Utc>,
    /// The database dumped (its name only, never the URL).
    pub database: String,
    /// How the payload was made, for a person holding the file years later.
    pub payload: String,
}

impl Header {
    pub fn new(key_id: &str, database: &str) -> Header {
        Header {
            key_id: key_id.to_string(),
            created_at: Utc::now(),
            database: database.to_string(),
            payload: "gzip(manifest, pg_dump --format=custom) sealed with XChaCha20-Poly1305 STREAM-BE32".to_string(),
        }
    }
}

/// Why a file was refused. The messages are what the operator reads.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{0} is not a SyEI backup (it does not start with the backup header)")]
    NotABackup(String),
    #[error("{path} is a backup of format version {version}, which this server does not read")]
    UnsupportedVersion { path: String, version: u16 },
    #[error("{0} is truncated: it ends before its checksum")]
    Truncated(String),
    #[error("{0} is corrupted: its SHA-256 checksum does not match its contents; nothing was restored")]
    ChecksumMismatch(String),
    #[error(
        "{path} does not decrypt with backup key {key_id}: the backup key file holds another key under that id \
         (the wrong key file?), or the file was altered after its checksum was written"
    )]
    WrongKey { path: String, key_id: String },
    #[error("{path} was sealed with backup key {key_id}, which is not in the backup key file")]
    UnknownKey { path: String, key_id: String },
    #[error("reading {path}: {source}")]
    Io { path: String, source: io::Error },
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> FormatError + '_ {
    move |source| FormatError::Io { path: path.display().to_string(), source }
}

/// The bytes every chunk is bound to: magic, version, header and nonce.
fn prefix(header: &Header, nonce: &[u8; NONCE]) -> io::Result<Vec<u8>> {
    let json = serde_json::to_vec(header)?;
    let mut bytes = Vec::with_capacity(8 + 2 + 4 + json.len() + NONCE);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_be_bytes());
    bytes.extend_from_slice(&u32::try_from(json.len()).map_err(io::Error::other)?.to_be_bytes());
    bytes.extend_from_slice(&json);
    bytes.extend_from_slice(nonce);
    Ok(bytes)
}

/// Everything written through it is hashed on the way out.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Seals what is written to it, chunk by chunk; [`SealingWriter::finish`] seals the last chunk
/// and appends the checksum.
pub struct SealingWriter<W: Write> {
    out: Hashing<W>,
    encryptor: EncryptorBE32<XChaCha20Poly1305>,
    aad: Vec<u8>,
    pending: Vec<u8>,
}

impl<W: Write> SealingWriter<W> {
    pub fn new(out: W, header: &Header, key: &BackupKey) -> io::Result<SealingWriter<W>> {
        let nonce: [u8; NONCE] = rand::random();
        let aad = prefix(header, &nonce)?;
        let mut out = Hashing { inner: out, hasher: Sha256::new() };
        out.write_all(&aad)?;
        let cipher = XChaCha20Poly1305::new(key.bytes().into());
        let encryptor = EncryptorBE32::from_aead(cipher, nonce.as_ref().into());
        Ok(SealingWriter { out, encryptor, aad, pending: Vec::with_capacity(2 * CHUNK) })
    }

    /// Seals the last chunk (always, even empty: it marks the end), writes the checksum and
    /// returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let last = self
            .encryptor
            .encrypt_last(Payload { msg: &self.pending, aad: &self.aad })
            .map_err(|_| io::Error::other("sealing the last chunk failed"))?;
        self.out.write_all(&last)?;
        let checksum = self.out.hasher.finalize_reset();
        self.out.inner.write_all(&checksum)?;
        self.out.inner.flush()?;
        Ok(self.out.inner)
    }
}

impl<W: Write> Write for SealingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        // A chunk is sealed as "not last" only once a byte after it is known to exist, so the
        // last chunk is never empty unless the whole stream is.
        while self.pending.len() > CHUNK {
            let sealed = self
                .encryptor
                .encrypt_next(Payload { msg: &self.pending[..CHUNK], aad: &self.aad })
                .map_err(|_| io::Error::other("sealing a chunk failed (stream too long)"))?;
            self.out.write_all(&sealed)?;
            self.pending.drain(..CHUNK);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A backup file whose header was read and whose checksum matched.
pub struct CheckedFile {
    pub header: Header,
    path: std::path::PathBuf,
    aad: Vec<u8>,
    nonce: [u8; NONCE],
    /// Where the ciphertext starts and how long it is.
    body_start: u64,
    body_len: u64,
}

/// Reads the header and checks the checksum over the whole file.
pub fn check(path: &Path) -> Result<CheckedFile, FormatError> {
    let shown = || path.display().to_string();
    let mut file = File::open(path).map_err(io_error(path))?;
    let total = file.metadata().map_err(io_error(path))?.len();
    let mut fixed = [0u8; 14];
    if total < 14 || file.read_exact(&mut fixed).is_err() || &fixed[..8] != MAGIC {
        return Err(FormatError::NotABackup(shown()));
    }
    let version = u16::from_be_bytes([fixed[8], fixed[9]]);
    if version != VERSION {
        return Err(FormatError::UnsupportedVersion { path: shown(), version });
    }
    let header_len = u32::from_be_bytes([fixed[10], fixed[11], fixed[12], fixed[13]]);
    if header_len > MAX_HEADER {
        return Err(FormatError::NotABackup(shown()));
    }
    let body_start = 14 + u64::from(header_len) + NONCE as u64;
    if total < body_start + (TAG + CHECKSUM) as u64 {
        return Err(FormatError::Truncated(shown()));
    }
    let mut json = vec![0u8; header_len as usize];
    file.read_exact(&mut json).map_err(io_error(path))?;
    let mut nonce = [0u8; NONCE];
    file.read_exact(&mut nonce).map_err(io_error(path))?;

    // The whole file but its last 32 bytes, hashed, against those 32 bytes.
    file.seek(SeekFrom::Start(0)).map_err(io_error(path))?;
    let covered = total - CHECKSUM as u64;
    let mut hasher = Sha256::new();
    io::copy(&mut (&mut file).take(covered), &mut HashSink(&mut hasher)).map_err(io_error(path))?;
    let mut stored = [0u8; CHECKSUM];
    file.read_exact(&mut stored).map_err(io_error(path))?;
    if hasher.finalize()[..] != stored[..] {
        return Err(FormatError::ChecksumMismatch(shown()));
    }
    // Only now is the header believed (a damaged header would have failed the checksum).
    let header: Header = serde_json::from_slice(&json).map_err(|_| FormatError::NotABackup(shown()))?;
    let mut aad = fixed.to_vec();
    aad.extend_from_slice(&json);
    aad.extend_from_slice(&nonce);
    Ok(CheckedFile { header, path: path.to_path_buf(), aad, nonce, body_start, body_len: covered - body_start })
}

struct HashSink<'a>(&'a mut Sha256);

impl Write for HashSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl CheckedFile {
    /// The decrypted payload, as a reader. A chunk that does not authenticate ends the read
    /// with an error naming the key; call [`CheckedFile::authenticate`] first to learn that
    /// before anything is done with the plaintext.
    pub fn open(&self, key: &BackupKey) -> Result<OpeningReader, FormatError> {
        if key.id != self.header.key_id {
            return Err(FormatError::UnknownKey {
                path: self.path.display().to_string(),
                key_id: self.header.key_id.clone(),
            });
        }
        let mut file = File::open(&self.path).map_err(io_error(&self.path))?;
        file.seek(SeekFrom::Start(self.body_start)).map_err(io_error(&self.path))?;
        let cipher = XChaCha20Poly1305::new(key.bytes().into());
        Ok(OpeningReader {
            file: BufReader::with_capacity(CHUNK + TAG, file).take(self.body_len),
            remaining: self.body_len,
            decryptor: Some(DecryptorBE32::from_aead(cipher, self.nonce.as_ref().into())),
            aad: self.aad.clone(),
            plain: Vec::new(),
            at: 0,
            path: self.path.display().to_string(),
            key_id: key.id.clone(),
        })
    }

    /// Decrypts every chunk and throws the plaintext away: proves the whole file opens with
    /// this key before a restore starts feeding it to the database.
    pub fn authenticate(&self, key: &BackupKey) -> Result<(), FormatError> {
        let mut reader = self.open(key)?;
        io::copy(&mut reader, &mut io::sink()).map_err(|error| reader.explain(error))?;
        Ok(())
    }
}

/// Decrypts the ciphertext one chunk at a time.
pub struct OpeningReader {
    file: io::Take<BufReader<File>>,
    remaining: u64,
    decryptor: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    plain: Vec<u8>,
    at: usize,
    path: String,
    key_id: String,
}

/// The marker inside an io::Error for "a chunk did not authenticate".
const NOT_AUTHENTIC: &str = "a backup chunk did not authenticate";

impl OpeningReader {
    /// Turns a read error into the operator's message.
    pub fn explain(&self, error: io::Error) -> FormatError {
        if error.to_string() == NOT_AUTHENTIC {
            FormatError::WrongKey { path: self.path.clone(), key_id: self.key_id.clone() }
        } else {
            FormatError::Io { path: self.path.clone(), source: error }
        }
    }

    fn next_chunk(&mut self) -> io::Result<bool> {
        if self.decryptor.is_none() {
            return Ok(false);
        }
        let size = self.remaining.min((CHUNK + TAG) as u64) as usize;
        let mut sealed = vec![0u8; size];
        self.file.read_exact(&mut sealed)?;
        self.remaining -= size as u64;
        let payload = Payload { msg: &sealed, aad: &self.aad };
        let plain = if self.remaining == 0 {
            match self.decryptor.take() {
                Some(last) => last.decrypt_last(payload),
                None => return Ok(false),
            }
        } else {
            match self.decryptor.as_mut() {
                Some(decryptor) => decryptor.decrypt_next(payload),
                None => return Ok(false),
            }
        };
        self.plain = plain.map_err(|_| io::Error::other(NOT_AUTHENTIC))?;
        self.at = 0;
        Ok(true)
    }
}

impl Read for OpeningReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if !self.next_chunk()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.plain.len() - self.at);
        buf[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("syei-backup-format-{}-{name}", rand::random::<u64>()))
    }

    fn write_backup(path: &Path, key: &BackupKey, plaintext: &[u8]) {
        let file = File::create(path).unwrap();
        let mut writer = SealingWriter::new(file, &Header::new(&key.id, "clinic"), key).unwrap();
        // Odd-sized writes, so chunk boundaries fall inside them.
        for piece in plaintext.chunks(10_007) {
            writer.write_all(piece).unwrap();
        }
        writer.finish().unwrap();
    }

    fn read_back(path: &Path, key: &BackupKey) -> Result<Vec<u8>, FormatError> {
        let checked = check(path)?;
        checked.authenticate(key)?;
        let mut reader = checked.open(key)?;
        let mut out = Vec::new();
        reader.read_to_end(&mut out).map_err(|e| reader.explain(e))?;
        Ok(out)
    }

    #[test]
    fn round_trips_at_every_chunk_boundary() {
        let key = BackupKey::generate("bk-test".into());
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5] {
            let path = temp_path("round-trip");
            let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            write_backup(&path, &key, &plaintext);
            let checked = check(&path).unwrap();
            assert_eq!(checked.header.key_id, "bk-test");
            assert_eq!(checked.header.database, "clinic");
            assert_eq!(read_back(&path, &key).unwrap(), plaintext, "length {len}");
            std::fs::remove_file(path).unwrap();
        }
    }

    #[test]
    fn a_flipped_byte_anywhere_fails_the_checksum() {
        let key = BackupKey::generate("bk-test".into());
        let path = temp_path("flip");
        write_backup(&path, &key, &vec![7u8; 2 * CHUNK + 10]);
        let good = std::fs::read(&path).unwrap();
        for at in [20, good.len() / 2, good.len() - 40, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            std::fs::write(&path, &bad).unwrap();
            assert!(matches!(check(&path), Err(FormatError::ChecksumMismatch(_))), "byte {at}");
        }
        std::fs::write(&path, &good[..good.len() - 100]).unwrap();
        assert!(matches!(check(&path), Err(FormatError::ChecksumMismatch(_))));
        std::fs::write(&path, b"PGDMP not ours").unwrap();
        assert!(matches!(check(&path), Err(FormatError::NotABackup(_))));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn another_key_is_refused_whether_its_id_differs_or_not() {
        let key = BackupKey::generate("bk-test".into());
        let path = temp_path("key");
        write_backup(&path, &key, b"pg_dump output");
        let same_id_other_bytes = BackupKey::generate("bk-test".into());
        assert!(matches!(read_back(&path, &same_id_other_bytes), Err(FormatError::WrongKey { .. })));
        let other_id = BackupKey::generate("bk-other".into());
        assert!(matches!(read_back(&path, &other_id), Err(FormatError::UnknownKey { .. })));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn chunks_cut_and_rechecksummed_do_not_decrypt() {
        // Someone who drops the last chunk and writes a fresh checksum still cannot pass it off.
        let key = BackupKey::generate("bk-test".into());
        let path = temp_path("cut");
        write_backup(&path, &key, &vec![3u8; 2 * CHUNK + 10]);
        let good = std::fs::read(&path).unwrap();
        let body_end = good.len() - CHECKSUM;
        let cut = &good[..body_end - (10 + TAG)];
        let mut forged = cut.to_vec();
        forged.extend_from_slice(&Sha256::digest(cut));
        std::fs::write(&path, &forged).unwrap();
        assert!(matches!(read_back(&path, &key), Err(FormatError::WrongKey { .. })));
        std::fs::remove_file(path).unwrap();
    }
}
