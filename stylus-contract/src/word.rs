//! 32-byte words: the unit of storage, of ABI-encoded error arguments and of
//! event topics and data.
//!
//! Storage records are packed by hand into whole words (see `state.rs`): a
//! record is read with one [`Unpack`] per word and written with one [`Pack`]
//! per word, fields left to right, big-endian. Errors and events are encoded
//! word by word with [`ToWord`], one shared routine instead of per-type
//! encoders generated for every error and event (see the README's size notes).

use alloy_primitives::{Address, B256, U256};

/// Left-pads a value to a 32-byte ABI word, as Solidity encodes static types.
pub trait ToWord {
    /// The value as one ABI word.
    fn word(self) -> B256;
}

impl ToWord for B256 {
    fn word(self) -> B256 {
        self
    }
}

impl ToWord for U256 {
    fn word(self) -> B256 {
        B256::from(self)
    }
}

impl ToWord for Address {
    fn word(self) -> B256 {
        self.into_word()
    }
}

impl ToWord for bool {
    fn word(self) -> B256 {
        u128::from(self).word()
    }
}

macro_rules! int_to_word {
    ($($t:ty),*) => {$(
        impl ToWord for $t {
            fn word(self) -> B256 {
                let mut w = [0u8; 32];
                w[32 - size_of::<$t>()..].copy_from_slice(&self.to_be_bytes());
                B256::new(w)
            }
        }
    )*};
}
int_to_word!(u8, u16, u64, u128);

/// A fixed-width field of a packed storage word.
pub trait Field: Sized {
    /// Width in bytes.
    const WIDTH: usize;
    /// Reads the field from exactly `WIDTH` bytes.
    fn read(bytes: &[u8]) -> Self;
    /// Writes the field into exactly `WIDTH` bytes.
    fn write(&self, bytes: &mut [u8]);
}

macro_rules! int_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            const WIDTH: usize = size_of::<$t>();
            fn read(bytes: &[u8]) -> Self {
                let mut b = [0u8; size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_be_bytes(b)
            }
            fn write(&self, bytes: &mut [u8]) {
                bytes.copy_from_slice(&self.to_be_bytes());
            }
        }
    )*};
}
int_field!(u8, u16, u32, u64, u128);

impl Field for Address {
    const WIDTH: usize = 20;
    fn read(bytes: &[u8]) -> Self {
        Address::from_slice(bytes)
    }
    fn write(&self, bytes: &mut [u8]) {
        bytes.copy_from_slice(self.as_slice());
    }
}

/// Reads the fields of one storage word, left to right.
pub struct Unpack {
    word: B256,
    at: usize,
}

impl Unpack {
    /// Starts at the word's first byte.
    pub fn new(word: B256) -> Self {
        Self { word, at: 0 }
    }

    /// The next field.
    pub fn take<F: Field>(&mut self) -> F {
        let end = self.at + F::WIDTH;
        let value = F::read(&self.word[self.at..end]);
        self.at = end;
        value
    }
}

/// Builds one storage word from fields, left to right; unused bytes stay zero.
#[derive(Default)]
pub struct Pack {
    word: [u8; 32],
    at: usize,
}

impl Pack {
    /// Appends `value` after the fields written so far.
    pub fn put<F: Field>(mut self, value: F) -> Self {
        let end = self.at + F::WIDTH;
        value.write(&mut self.word[self.at..end]);
        self.at = end;
        self
    }

    /// The finished word.
    pub fn word(self) -> B256 {
        B256::new(self.word)
    }
}
