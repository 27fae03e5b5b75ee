// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The granting side of a domain's grant table: what Linux's gnttab_grant_foreign_access and
/// gnttab_end_foreign_access do, on the shared table page.
public final class GrantTableWriter: Sendable {
    /// Xen keeps the first entries for the toolstack (GNTTAB_NR_RESERVED_ENTRIES).
    public static let reservedEntries: GrantRef = 8

    private let table: SharedPage
    private let used = Mutex<Set<GrantRef>>([])

    public init(table: SharedPage) { self.table = table }

    /// Grants `domid` access to `frame`; returns the reference to publish (e.g. as `ring-ref`).
    public func grantAccess(to domid: DomainID, frame: FrameNumber, readOnly: Bool = false) throws(XenError) -> GrantRef
    {
        let ref = try used.withLock { (used: inout Set<GrantRef>) throws(XenError) -> GrantRef in
            guard
                let free = (Self.reservedEntries..<GrantRef(GrantEntry.perPage)).first(where: { !used.contains($0) })
            else { throw XenError(.noSpace, "the grant table is full") }
            used.insert(free)
            return free
        }
        // The hypervisor reads domid and frame after it has seen the flags, so they are written first.
        try table.storeLittleEndian(UInt16(truncatingIfNeeded: domid), at: GrantEntry.domidOffset(ref))
        try table.storeLittleEndian(frame, at: GrantEntry.frameOffset(ref))
        try table.atomicStore16(
            GrantEntry.permitAccess | (readOnly ? GrantEntry.readOnly : 0), at: GrantEntry.flagsOffset(ref))
        return ref
    }

    /// Ends a grant. False while the grantee still has the page mapped (the entry is left as it is, as Linux
    /// does: the page must not be reused until the grantee lets go).
    @discardableResult
    public func endAccess(_ ref: GrantRef) -> Bool {
        let offset = GrantEntry.flagsOffset(ref)
        while true {
            let flags = table.atomicLoad16(at: offset)
            guard flags & (GrantEntry.reading | GrantEntry.writing) == 0 else { return false }
            if (try? table.compareExchange16(at: offset, expected: flags, desired: 0)) != false { break }
        }
        used.withLock { _ = $0.remove(ref) }
        return true
    }

    /// Whether the grantee has `ref` mapped now (GTF_reading/GTF_writing).
    public func isMapped(_ ref: GrantRef) -> Bool {
        table.atomicLoad16(at: GrantEntry.flagsOffset(ref)) & (GrantEntry.reading | GrantEntry.writing) != 0
    }
}
