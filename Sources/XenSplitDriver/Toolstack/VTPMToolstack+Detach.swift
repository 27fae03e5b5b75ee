// SPDX-License-Identifier: Apache-2.0

import VTPMManager

/// What ``VTPMToolstack/detach(domid:devid:backendDomid:timeout:)`` did.
public struct VTPMDetachment: Hashable, Sendable {
    /// How the backend answered `online = 0`.
    public enum BackendAnswer: Hashable, Sendable {
        /// It disconnected and wrote `state = 6` (Closed).
        case closed
        /// Its hotplug step had failed, so it held nothing to close and was not asked.
        case notNeeded
        /// It did not write Closed within the timeout (not running, or stuck); the entries were removed anyway.
        case timedOut
    }

    public var address: VTPMDeviceAddress
    /// The backend's `domain` key: vtpm.db keeps `instance` under this name for the next attach.
    public var name: String?
    public var instance: InstanceID?
    public var backendAnswer: BackendAnswer
    /// The xenstore directories removed, device directories first, then parents left empty.
    public var removed: [String]
}

extension VTPMToolstack {
    /// Removes vTPM device `devid` of domain `domid`: asks the backend to let go (`online = 0`), waits up to
    /// `timeout` for it to write Closed, then removes both directories in one transaction, with the backend's
    /// `<B>/backend/vtpm/<D>` and the guest's `device/vtpm` when they are left empty.
    ///
    /// The vtpm.db entry stays, as Xen's `vtpm remove` kept it: attaching the same name again gives the VM its
    /// vTPM back.
    ///
    /// - Throws: `.noSuchDevice` when there is no such device; xenstore failures.
    @discardableResult
    public func detach(
        domid: DomainID, devid: UInt32 = 0, backendDomid: DomainID = 0,
        timeout: Duration = VTPMToolstack.defaultTimeout
    ) throws(XenError) -> VTPMDetachment {
        let address = VTPMDeviceAddress(backendDomid: backendDomid, domid: domid, devid: devid)
        let backend = address.backendPath
        guard try client.directory(backend) != nil else {
            throw XenError(.noSuchDevice, "there is no \(address): nothing at \(backend)")
        }
        let name = try client.read("\(backend)/domain")
        let instance = try client.read("\(backend)/instance").flatMap { UInt32($0) }.map { InstanceID($0) }
        let answer = try release(address, timeout: timeout)
        let removed = try client.transaction { (transaction: UInt32) throws(XenError) -> [String] in
            try removeDevice(address, transaction: transaction)
        }
        return VTPMDetachment(
            address: address, name: name, instance: instance, backendAnswer: answer, removed: removed)
    }

    /// `online = 0`, then the wait for Closed (xen-vtpm.md §5.3). A device whose hotplug step failed was never
    /// opened, and the backend leaves it alone, so there is nothing to wait for.
    private func release(
        _ address: VTPMDeviceAddress, timeout: Duration
    ) throws(XenError) -> VTPMDetachment.BackendAnswer {
        let backend = address.backendPath
        try client.write("\(backend)/online", "0")
        if try client.read("\(backend)/hotplug-status") == "error" { return .notNeeded }
        let closed = String(XenbusState.closed.rawValue)
        let confirmed = try waitFor("\(backend)/state", timeout: timeout) { () throws(XenError) -> Bool? in
            try client.read("\(backend)/state") == closed ? true : nil
        }
        return confirmed == true ? .closed : .timedOut
    }

    private func removeDevice(_ address: VTPMDeviceAddress, transaction: UInt32) throws(XenError) -> [String] {
        var removed: [String] = []
        for path in [address.backendPath, address.frontendPath, address.backendParent, address.frontendClass] {
            guard let children = try client.directory(path, transaction: transaction) else { continue }
            // The two device directories go whatever they hold; their parents only once nothing else is left.
            let isParent = path == address.backendParent || path == address.frontendClass
            guard !isParent || children.isEmpty else { continue }
            try client.remove(path, transaction: transaction)
            removed.append(path)
        }
        return removed
    }
}
