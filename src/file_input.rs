//! Reading files that someone else produced (snapshots, config, themes):
//! only regular files, and never more than a limit, whatever length the file
//! system reports — `/dev/zero` reports 0 and never ends, and opening a FIFO
//! for reading waits for a writer that may never come.

use std::fs::{File, FileType, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReadError {
    /// The OS error in words, once. The field is not called `source`, so
    /// that error chains (`{:#}`) do not print it a second time.
    #[error("{}: {}", path.display(), os_error(error))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: {what}, not a regular file", path.display())]
    NotRegular { path: PathBuf, what: &'static str },
    #[error("{}: larger than the {limit}-byte limit{hint}", path.display())]
    TooLarge {
        path: PathBuf,
        limit: u64,
        /// How to raise the limit, where the caller has a way.
        hint: String,
    },
}

/// An OS error in words, once: "No such file or directory (os error 2)"
/// becomes "no such file or directory".
pub fn os_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    let words = match text.rfind(" (os error ") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a non-regular file is, in words.
pub fn describe(ft: &FileType) -> &'static str {
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "an unknown file type"
    }
}

/// Opens `path` for reading only if it is a regular file (following
/// symlinks). It is opened non-blocking and checked on the open descriptor,
/// so a FIFO is refused instead of waited on and nothing can be swapped in
/// between the check and the read.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let io = |error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    };
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(io)?;
    let ft = file.metadata().map_err(io)?.file_type();
    if !ft.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            what: describe(&ft),
        });
    }
    Ok(file)
}

/// Reads the regular file at `path` into `buf` (cleared first), refusing it
/// once more than `limit` bytes have been read. `hint` is appended to the
/// too-large error (e.g. "; raise it with --max-file-mb").
pub fn read_into(path: &Path, limit: u64, hint: &str, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    let file = open_regular(path)?;
    buf.clear();
    if let Ok(m) = file.metadata() {
        buf.reserve(m.len().min(limit) as usize);
    }
    file.take(limit.saturating_add(1))
        .read_to_end(buf)
        .map_err(|error| ReadError::Io {
            path: path.to_path_buf(),
            error,
        })?;
    if buf.len() as u64 > limit {
        buf.clear();
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
            hint: hint.to_string(),
        });
    }
    Ok(())
}

/// `read_into` for UTF-8 text (a leading byte-order mark is dropped).
/// Invalid UTF-8 is an error that names the byte offset.
pub fn read_text(path: &Path, limit: u64, hint: &str) -> Result<String, ReadError> {
    let mut buf = Vec::new();
    read_into(path, limit, hint, &mut buf)?;
    match String::from_utf8(buf) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => Err(ReadError::Io {
            path: path.to_path_buf(),
            error: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_fifos_are_refused_not_read() {
        let e = read_text(Path::new("/dev/zero"), 1024, "").unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero: a character device, not a regular file"
        );

        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe.yaml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_text(&fifo, 1024, "").unwrap_err();
        assert!(e.to_string().ends_with("a FIFO, not a regular file"), "{e}");
    }

    #[test]
    fn the_limit_holds_and_errors_say_things_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("big.yaml");
        std::fs::write(&f, vec![b'a'; 100]).expect("write");
        assert_eq!(read_text(&f, 100, "").expect("fits").len(), 100);
        let e = read_text(&f, 99, "; raise it with --x").unwrap_err();
        assert!(
            e.to_string()
                .ends_with("larger than the 99-byte limit; raise it with --x")
        );

        let missing = dir.path().join("missing.yaml");
        let e = read_text(&missing, 10, "").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: no such file or directory", missing.display())
        );

        std::fs::write(&f, b"\xef\xbb\xbfkind: Pod\n").expect("write");
        assert_eq!(read_text(&f, 100, "").expect("bom"), "kind: Pod\n");
        std::fs::write(&f, b"ok\xff").expect("write");
        let e = read_text(&f, 100, "").unwrap_err();
        assert!(
            e.to_string()
                .ends_with("not UTF-8 text (invalid byte at offset 2)"),
            "{e}"
        );
    }
}
