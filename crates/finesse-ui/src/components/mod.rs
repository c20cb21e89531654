//! The components. Each takes the pure views of `finesse-session` (or plain data) as props and
//! reports what the agent asks for through callbacks; all are re-exported at the crate root.

pub(crate) mod banner;
pub(crate) mod call_card;
pub(crate) mod dial_pad;
pub(crate) mod elapsed;
pub(crate) mod make_call;
pub(crate) mod phone_book;
pub(crate) mod sign_in;
pub(crate) mod sparkline;
pub(crate) mod state_selector;
pub(crate) mod table;
pub(crate) mod threshold_alerts;
pub(crate) mod virtual_table;

pub use banner::{Banner, BannerKind, BannerProps, Toast, Toasts, ToastsProps};
pub use call_card::{CallCard, CallCardProps};
pub use dial_pad::{DIAL_KEYS, DialPad, DialPadProps};
pub use elapsed::{Elapsed, ElapsedProps};
pub use make_call::{MakeCall, MakeCallProps};
pub use phone_book::{Contact, PhoneBookPicker, PhoneBookPickerProps};
pub use sign_in::{SignIn, SignInProps};
pub use sparkline::{SparklineProps, sparkline, sparkline_points, sparkline_summary};
pub use state_selector::{StateSelector, StateSelectorProps};
pub use table::{Column, Table, TableProps};
pub use threshold_alerts::{alert_text, threshold_alerts};
pub use virtual_table::{OVERSCAN, VirtualTable, VirtualTableProps, window};
