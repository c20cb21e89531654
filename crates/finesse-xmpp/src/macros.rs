//! Crate-private macros.

/// An enumeration of protocol condition names with a fallback that keeps unknown names as
/// written (lenient: a newer peer's condition is not an error).
macro_rules! condition_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A name this crate does not know, as written.
            Other(String),
        }

        impl $name {
            /// Every known condition, in declaration order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The name as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(s) => s,
                }
            }

            /// The condition for a wire name; unknown names are kept in `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use condition_enum;
