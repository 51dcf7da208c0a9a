//! How one value is laid out over keychain items: whole in the account's own item where it
//! fits, else split under a fresh generation so that a crash mid-write leaves the old or the new
//! value readable, never a mix; the layout of earlier versions is still read.

use super::{EntryLimit, SecretStore, StoreFailure};
use crate::secret::Secret;

/// The head of an account's item when its value is split (this version's layout).
const HEADER_PREFIX: &str = "pfrm-chunked:v2:";
/// The header-only head that versions before it wrote, with every piece in its own item.
const LEGACY_HEADER_PREFIX: &str = "pfrm-chunked:v1:";
/// Any value starting like this is stored split, so that it cannot be mistaken for a header.
const RESERVED_PREFIX: &str = "pfrm-chunked:";

fn chunk_key(key: &str, generation: &str, index: usize) -> String {
    format!("{key}#{generation}.{index}")
}

/// How one entry is laid out in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Layout {
    /// Nothing stored.
    Absent,
    /// The whole value in the account's own item.
    Single,
    /// The account's item holds a header (and, in this version's layout, the first piece);
    /// the other pieces are `chunk_key(key, generation, index)`.
    Split {
        generation: String,
        count: usize,
        legacy: bool,
    },
}

impl Layout {
    /// The items besides the account's own that this layout occupies.
    fn piece_keys(&self, key: &str) -> Vec<String> {
        match self {
            Layout::Absent | Layout::Single => Vec::new(),
            Layout::Split {
                generation,
                count,
                legacy,
            } => {
                let first = if *legacy { 0 } else { 1 };
                (first..*count)
                    .map(|index| chunk_key(key, generation, index))
                    .collect()
            }
        }
    }
}

/// Reads the head item: its layout and, for this version's split layout, the first piece.
fn parse_head(value: &str) -> (Layout, Option<&str>) {
    if let Some(rest) = value.strip_prefix(HEADER_PREFIX) {
        let mut fields = rest.splitn(3, ':');
        if let (Some(generation), Some(count), Some(first)) =
            (fields.next(), fields.next(), fields.next())
        {
            if let Ok(count) = count.parse::<usize>() {
                let layout = Layout::Split {
                    generation: generation.to_owned(),
                    count,
                    legacy: false,
                };
                return (layout, Some(first));
            }
        }
    } else if let Some(rest) = value.strip_prefix(LEGACY_HEADER_PREFIX) {
        if let Some((generation, count)) = rest.split_once(':') {
            if let Ok(count) = count.parse::<usize>() {
                let layout = Layout::Split {
                    generation: generation.to_owned(),
                    count,
                    legacy: true,
                };
                return (layout, None);
            }
        }
    }
    (Layout::Single, None)
}

/// Splits at char boundaries into pieces whose size (as `limit` counts it) is at most `first`
/// for the first piece and `rest` for the others.
fn split(value: &str, limit: EntryLimit, first: usize, rest: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut remaining = value;
    while !remaining.is_empty() {
        let budget = if pieces.is_empty() { first } else { rest };
        let mut size = 0;
        let mut end = 0;
        for (index, character) in remaining.char_indices() {
            let mut buffer = [0u8; 4];
            let grown = size + limit.size_of(character.encode_utf8(&mut buffer));
            if grown > budget {
                break;
            }
            size = grown;
            end = index + character.len_utf8();
        }
        if end == 0 {
            // Not even one character fits (a limit far below any real keychain's).
            end = remaining.chars().next().map_or(0, char::len_utf8);
        }
        let (piece, tail) = remaining.split_at(end);
        pieces.push(piece);
        remaining = tail;
    }
    pieces
}

/// Lays `value` out for a store with `limit`: the head item's text and the other pieces.
fn encode(value: &str, limit: EntryLimit) -> (String, Vec<(usize, String)>, Layout) {
    let EntryLimit::Utf16Bytes(max) = limit else {
        if value.starts_with(RESERVED_PREFIX) {
            let generation = new_generation();
            let head = format!("{HEADER_PREFIX}{generation}:1:{value}");
            let layout = Layout::Split {
                generation,
                count: 1,
                legacy: false,
            };
            return (head, Vec::new(), layout);
        }
        return (value.to_owned(), Vec::new(), Layout::Single);
    };
    if limit.fits(value) && !value.starts_with(RESERVED_PREFIX) {
        return (value.to_owned(), Vec::new(), Layout::Single);
    }
    let generation = new_generation();
    // The header's count has as many digits as the pieces need; try widths until it fits.
    let mut digits = 1;
    loop {
        let header_size = limit.size_of(&format!(
            "{HEADER_PREFIX}{generation}:{}:",
            "9".repeat(digits)
        ));
        let pieces = split(value, limit, max.saturating_sub(header_size), max);
        if pieces.len().to_string().len() <= digits {
            let head = format!("{HEADER_PREFIX}{generation}:{}:{}", pieces.len(), pieces[0]);
            let rest = pieces
                .iter()
                .enumerate()
                .skip(1)
                .map(|(index, piece)| (index, (*piece).to_owned()))
                .collect();
            let layout = Layout::Split {
                generation,
                count: pieces.len(),
                legacy: false,
            };
            return (head, rest, layout);
        }
        digits += 1;
    }
}

fn new_generation() -> String {
    crate::auth::pkce::random_token()[..8].to_owned()
}

/// Writes `value` under `key`. `known` is the entry's current layout when this run already knows
/// it; otherwise the head item is read to find pieces that the new value replaces.
pub(super) fn write_chunked(
    store: &dyn SecretStore,
    key: &str,
    value: &Secret,
    known: Option<Layout>,
) -> Result<Layout, StoreFailure> {
    let previous = match known {
        Some(layout) => layout,
        None => match store.get(key)? {
            Some(head) => parse_head(head.expose()).0,
            None => Layout::Absent,
        },
    };
    let (head, pieces, layout) = encode(value.expose(), store.entry_limit());
    if let Layout::Split { generation, .. } = &layout {
        for (index, piece) in pieces {
            store.set(&chunk_key(key, generation, index), &Secret::new(piece))?;
        }
    }
    store.set(key, &Secret::new(head))?;
    for stale in previous.piece_keys(key) {
        if !layout.piece_keys(key).contains(&stale) {
            store.delete(&stale)?;
        }
    }
    Ok(layout)
}

/// Reads `key`: the value (`None` when absent or torn) and the layout found.
pub(super) fn read_chunked(
    store: &dyn SecretStore,
    key: &str,
) -> Result<(Option<Secret>, Layout), StoreFailure> {
    let Some(head) = store.get(key)? else {
        return Ok((None, Layout::Absent));
    };
    let (layout, first) = parse_head(head.expose());
    if layout == Layout::Single {
        return Ok((Some(head), layout));
    }
    let mut value = first.unwrap_or_default().to_owned();
    for piece_key in layout.piece_keys(key) {
        match store.get(&piece_key)? {
            Some(piece) => value.push_str(piece.expose()),
            // A torn entry is as good as none: the user signs in again.
            None => return Ok((None, layout)),
        }
    }
    Ok((Some(Secret::new(value)), layout))
}

pub(super) fn delete_chunked(
    store: &dyn SecretStore,
    key: &str,
    known: Option<Layout>,
) -> Result<(), StoreFailure> {
    let layout = match known {
        Some(layout) => layout,
        None => match store.get(key)? {
            Some(head) => parse_head(head.expose()).0,
            None => Layout::Absent,
        },
    };
    for piece_key in layout.piece_keys(key) {
        store.delete(&piece_key)?;
    }
    store.delete(key)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::auth::store::limit::utf16_bytes;
    use crate::auth::store::{MemoryStore, TokenVault};

    /// A refresh token of about `len` bytes.
    fn ascii_token(len: usize) -> Secret {
        Secret::new("0.AXYZ-rt_".repeat(len / 10 + 1)[..len].to_owned())
    }

    /// Text outside the Basic Multilingual Plane: 4 bytes in UTF-8, 2 UTF-16 units each.
    fn astral_text(len: usize) -> Secret {
        Secret::new("\u{1D538}\u{1F511}".repeat(len / 8 + 1))
    }

    #[tokio::test]
    async fn on_macos_and_linux_a_4_kb_token_is_one_item_one_write_and_one_read() {
        for os in ["macos", "linux"] {
            let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::for_os(os)));
            let token = ascii_token(4_096);
            // Sign-in: the first write of an account this run knows nothing about.
            let vault = TokenVault::new(store.clone());
            vault.put("acct-1", token.clone()).await.unwrap();
            assert_eq!(store.keys(), vec!["acct-1".to_owned()], "{os}");
            assert_eq!(store.write_count(), 1, "{os}");

            // The next run: read it once, then store the rotated token with one write.
            let (reads, writes) = (store.read_count(), store.write_count());
            let next_run = TokenVault::new(store.clone());
            assert_eq!(next_run.get("acct-1").await.unwrap().unwrap(), token);
            let rotated = ascii_token(4_200);
            next_run.put("acct-1", rotated.clone()).await.unwrap();
            assert_eq!(store.read_count() - reads, 1, "{os}: one read");
            assert_eq!(store.write_count() - writes, 1, "{os}: one write");
            assert_eq!(store.keys(), vec!["acct-1".to_owned()], "{os}");
            assert_eq!(store.raw("acct-1").unwrap(), rotated, "stored as it is");
        }
    }

    #[tokio::test]
    async fn on_windows_a_4_kb_token_is_split_within_the_utf16_limit() {
        for token in [ascii_token(4_096), astral_text(4_096)] {
            // This store refuses any item over 2,560 bytes of UTF-16, as Credential Manager does.
            let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::WINDOWS));
            let vault = TokenVault::new(store.clone());
            vault.put("acct-1", token.clone()).await.unwrap();
            assert!(!vault.is_memory_only(), "{:?}", vault.keychain_problem());
            let keys = store.keys();
            assert!(keys.len() > 1, "{keys:?}");
            let sizes: Vec<usize> = keys
                .iter()
                .map(|key| utf16_bytes(store.raw(key).unwrap().expose()))
                .collect();
            assert!(sizes.iter().all(|&size| size <= 2_560), "{sizes:?}");
            // Compact: no more items than the UTF-16 size needs, plus at most one for the header.
            let needed = utf16_bytes(token.expose()).div_ceil(2_560);
            assert!(
                keys.len() <= needed + 1,
                "{} items for {needed}",
                keys.len()
            );

            let next_run = TokenVault::new(store.clone());
            assert_eq!(next_run.get("acct-1").await.unwrap().unwrap(), token);
        }
    }

    #[test]
    fn the_windows_limit_counts_utf16_not_utf8() {
        // 1,280 ASCII characters are 2,560 bytes of UTF-16: exactly the limit.
        assert!(EntryLimit::WINDOWS.fits(&"a".repeat(1_280)));
        assert!(!EntryLimit::WINDOWS.fits(&"a".repeat(1_281)));
        // 640 characters outside the BMP: 2,560 UTF-8 bytes and 2,560 UTF-16 bytes.
        assert!(EntryLimit::WINDOWS.fits(&"\u{1F511}".repeat(640)));
        assert!(!EntryLimit::WINDOWS.fits(&"\u{1F511}".repeat(641)));
        // A split never cuts a character, whatever its width.
        let text = astral_text(100);
        let pieces = split(text.expose(), EntryLimit::WINDOWS, 6, 10);
        assert!(pieces.iter().all(|p| utf16_bytes(p) <= 10));
        assert!(utf16_bytes(pieces[0]) <= 6);
        assert_eq!(pieces.concat(), text.expose());
    }

    #[tokio::test]
    async fn items_written_by_earlier_versions_are_read_and_replaced() {
        // The layout versions before this one wrote: a header item and 1 KB pieces.
        let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::for_os("macos")));
        let token = ascii_token(3_000);
        let pieces: Vec<&str> = token
            .expose()
            .as_bytes()
            .chunks(1_024)
            .map(|piece| std::str::from_utf8(piece).unwrap())
            .collect();
        for (index, piece) in pieces.iter().enumerate() {
            store
                .set(&format!("acct#oldgen01.{index}"), &Secret::new(*piece))
                .unwrap();
        }
        store
            .set(
                "acct",
                &Secret::new(format!("pfrm-chunked:v1:oldgen01:{}", pieces.len())),
            )
            .unwrap();

        let vault = TokenVault::new(store.clone());
        assert_eq!(vault.get("acct").await.unwrap().unwrap(), token);
        vault.put("acct", ascii_token(3_100)).await.unwrap();
        assert_eq!(store.keys(), vec!["acct".to_owned()], "old pieces removed");
        let next_run = TokenVault::new(store.clone());
        assert_eq!(
            next_run.get("acct").await.unwrap().unwrap(),
            ascii_token(3_100)
        );
    }

    #[tokio::test]
    async fn rotation_and_removal_leave_no_stale_pieces_on_windows() {
        let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::WINDOWS));
        let vault = TokenVault::new(store.clone());
        vault.put("acct-1", ascii_token(9_000)).await.unwrap();
        let rotated = ascii_token(5_000);
        vault.put("acct-1", rotated.clone()).await.unwrap();
        let pieces = store.keys().len();
        assert_eq!(
            TokenVault::new(store.clone()).get("acct-1").await.unwrap(),
            Some(rotated)
        );
        // Back to a small token: one item again.
        vault.put("acct-1", Secret::new("short")).await.unwrap();
        assert!(pieces > 1);
        assert_eq!(store.keys(), vec!["acct-1".to_owned()]);
        vault.put("acct-1", ascii_token(5_000)).await.unwrap();
        TokenVault::new(store.clone())
            .remove("acct-1")
            .await
            .unwrap();
        assert!(store.keys().is_empty(), "{:?}", store.keys());
    }

    #[tokio::test]
    async fn a_value_that_looks_like_a_header_reads_back_as_itself() {
        for limit in [EntryLimit::Unlimited, EntryLimit::WINDOWS] {
            let store = Arc::new(MemoryStore::with_entry_limit(limit));
            let tricky = Secret::new("pfrm-chunked:v1:abc:3");
            TokenVault::new(store.clone())
                .put("k", tricky.clone())
                .await
                .unwrap();
            let read = TokenVault::new(store.clone()).get("k").await.unwrap();
            assert_eq!(read, Some(tricky), "{limit:?}");
        }
    }

    #[tokio::test]
    async fn small_values_use_one_entry() {
        let store = Arc::new(MemoryStore::with_entry_limit(EntryLimit::WINDOWS));
        let vault = TokenVault::new(store.clone());
        vault.put("k", Secret::new("short")).await.unwrap();
        assert_eq!(store.keys(), vec!["k".to_owned()]);
    }

    #[test]
    fn a_torn_chunked_entry_reads_as_missing() {
        let store = MemoryStore::with_entry_limit(EntryLimit::WINDOWS);
        write_chunked(&store, "k", &ascii_token(6_000), None).unwrap();
        let piece = store.keys().into_iter().find(|k| k.contains('#')).unwrap();
        store.delete(&piece).unwrap();
        assert!(read_chunked(&store, "k").unwrap().0.is_none());
    }
}
