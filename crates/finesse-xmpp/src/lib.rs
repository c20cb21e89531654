//! The XMPP subset Cisco Finesse notifications use (guide chapter 6): stanza elements and JIDs,
//! shared by the simulator's notification service and the client.
#![deny(missing_docs)]

pub mod element;
pub mod jid;

pub use element::{Element, Node, XmlError};
pub use jid::Jid;
