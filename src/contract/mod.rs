//! Wire types of the TMSBA contract, mirroring `wsdl/*.wsdl` one to one: element names,
//! order and enumeration strings exactly as the WSDL spells them.
pub mod conference;
pub mod enums;
pub mod nillable;
pub mod operations;
pub mod remote;
pub mod versions;

pub const BOOKING_NS: &str = "http://tandberg.net/2004/02/tms/external/booking/";
pub const REMOTE_SETUP_NS: &str = "http://tandberg.net/2004/02/tms/external/booking/remotesetup/";
pub const EXCEPTION_NS: &str = "http://tandberg.net/2004/02/tms/external/exception/";
/// The API version bridgebook implements.
pub const API_VERSION: u32 = 23;

pub fn is_none<T>(v: &Option<T>) -> bool {
    v.is_none()
}
