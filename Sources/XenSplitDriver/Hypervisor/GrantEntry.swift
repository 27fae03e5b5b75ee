// SPDX-License-Identifier: Apache-2.0

/// The layout of a version-1 grant table (xen/include/public/grant_table.h, `grant_entry_v1`): one page of
/// 8-byte entries `{flags: u16, domid: u16, frame: u32}`, written by the granting domain and read (and locked
/// with the reading/writing flags) by the hypervisor when another domain maps the grant.
public enum GrantEntry {
    public static let size = 8
    /// Entries in one grant-table page.
    public static let perPage = SharedPage.size / size

    /// GTF_permit_access: the entry grants `domid` access to `frame`.
    public static let permitAccess: UInt16 = 1
    /// The type bits of `flags` (GTF_type_mask).
    public static let typeMask: UInt16 = 3
    /// GTF_readonly: the grantee may only map the frame for reading.
    public static let readOnly: UInt16 = 1 << 2
    /// GTF_reading / GTF_writing: set by the hypervisor while the frame is mapped; the granting domain may not
    /// end the grant until they are clear.
    public static let reading: UInt16 = 1 << 3
    public static let writing: UInt16 = 1 << 4

    static func flagsOffset(_ ref: UInt32) -> Int { Int(ref) * size }
    static func domidOffset(_ ref: UInt32) -> Int { Int(ref) * size + 2 }
    static func frameOffset(_ ref: UInt32) -> Int { Int(ref) * size + 4 }
}

/// A grant reference: an index into the granting domain's grant table.
public typealias GrantRef = UInt32
/// A domain id (domid_t is 16 bits in Xen; kept as u32 like xenstore's decimal ids).
public typealias DomainID = UInt32
/// A page frame number in a domain's memory; the machine address of its first byte is `frame << 12`.
public typealias FrameNumber = UInt32
/// An event-channel port number, local to its domain.
public typealias EventPort = UInt32
