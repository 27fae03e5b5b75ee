// SPDX-License-Identifier: Apache-2.0

import VTPMManager

/// A device the backend accepted: where it is and the instance the hotplug step chose.
public struct VTPMAttachment: Hashable, Sendable {
    public var address: VTPMDeviceAddress
    public var name: String
    public var instance: InstanceID
}

extension VTPMToolstack {
    /// Creates the vTPM device `devid` of domain `domid` (backend in `backendDomid`), then waits for the backend's
    /// hotplug step to choose its instance, as xend did (xen-vtpm.md §5.1, §6.2).
    ///
    /// One transaction writes both directories with their permissions: the backend's owned by the backend domain
    /// and readable by the guest (`n<B>`, `r<D>`), the frontend's the other way round; and the guest's `name`
    /// if it has none. The backend keeps the instance under `name` in vtpm.db, so `name` must suit that file and
    /// may name one device only.
    ///
    /// - Parameters:
    ///   - preferredInstance: written as `pref_instance` (`0`: no preference); the backend takes it if it is free
    ///     and the name has no instance yet.
    ///   - devid: the lowest free devid of the guest when nil.
    ///   - timeout: how long to wait for `instance` or `hotplug-status`.
    /// - Throws: `.invalidArgument` for domain 0, `domid == backendDomid` or a name vtpm.db cannot hold;
    ///   `.alreadyExists` when the name is attached already or `devid` is taken; `.hotplugFailed` with the
    ///   backend's `hotplug-error`; `.timedOut` when no backend answered (the entries stay in place);
    ///   `.protocolViolation` when the backend wrote an instance that is not a number from 1; xenstore failures.
    @discardableResult
    public func attach(
        domid: DomainID, name: String, preferredInstance: InstanceID? = nil, backendDomid: DomainID = 0,
        devid: UInt32? = nil, timeout: Duration = VTPMToolstack.defaultTimeout
    ) throws(XenError) -> VTPMAttachment {
        try Self.checkDomains(domid: domid, backendDomid: backendDomid)
        try Self.checkName(name)
        let address = try client.transaction { (transaction: UInt32) throws(XenError) -> VTPMDeviceAddress in
            let address = try claim(
                name: name, domid: domid, backendDomid: backendDomid, devid: devid, transaction: transaction)
            try writeDevice(address, name: name, preferredInstance: preferredInstance, transaction: transaction)
            return address
        }
        let instance = try waitFor(address.backendPath, timeout: timeout) { () throws(XenError) -> InstanceID? in
            try hotplugResult(address)
        }
        guard let instance else {
            throw XenError(
                .timedOut,
                "no backend answered within \(Self.describe(timeout)): is `vtpmd --xen` running with this xenstore "
                    + "socket? The entries of \(address) stay in place (remove them with `vtpm xen detach`)")
        }
        return VTPMAttachment(address: address, name: name, instance: instance)
    }

    /// Checks the name and devid against every device in xenstore, inside the transaction that creates the
    /// device, so two attaches at once cannot both take them (the loser's commit gets EAGAIN and runs again).
    private func claim(
        name: String, domid: DomainID, backendDomid: DomainID, devid: UInt32?, transaction: UInt32
    ) throws(XenError) -> VTPMDeviceAddress {
        for other in try devices(transaction: transaction) {
            guard try client.read("\(other.backendPath)/domain", transaction: transaction) != name else {
                throw XenError(.alreadyExists, "'\(name)' is already attached as \(other)")
            }
        }
        let probe = VTPMDeviceAddress(backendDomid: backendDomid, domid: domid, devid: 0)
        let taken = Set(
            try numbers(in: probe.frontendClass, transaction: transaction)
                + numbers(in: probe.backendParent, transaction: transaction))
        if let devid {
            guard !taken.contains(devid) else {
                throw XenError(.alreadyExists, "domain \(domid) already has vtpm device \(devid)")
            }
            return VTPMDeviceAddress(backendDomid: backendDomid, domid: domid, devid: devid)
        }
        var free: UInt32 = 0
        while taken.contains(free) { free += 1 }
        return VTPMDeviceAddress(backendDomid: backendDomid, domid: domid, devid: free)
    }

    /// The keys xend wrote (xen-vtpm.md §5.1). Each directory gets its permissions before its keys, because a new
    /// node takes its parent's permissions.
    private func writeDevice(
        _ address: VTPMDeviceAddress, name: String, preferredInstance: InstanceID?, transaction: UInt32
    ) throws(XenError) {
        let backend = address.backendPath
        let frontend = address.frontendPath
        let handle = String(address.devid)
        let initialising = String(XenbusState.initialising.rawValue)
        try client.mkdir(backend, transaction: transaction)
        try client.setPermissions(
            backend, [XenStorePermission(.none, address.backendDomid), XenStorePermission(.read, address.domid)],
            transaction: transaction)
        let backendKeys = [
            ("frontend", frontend), ("frontend-id", String(address.domid)), ("domain", name),
            ("pref_instance", preferredInstance?.description ?? "0"), ("resume", "False"), ("online", "1"),
            ("state", initialising), ("handle", handle),
        ]
        for (key, value) in backendKeys { try client.write("\(backend)/\(key)", value, transaction: transaction) }

        try client.mkdir(frontend, transaction: transaction)
        try client.setPermissions(
            frontend, [XenStorePermission(.none, address.domid), XenStorePermission(.read, address.backendDomid)],
            transaction: transaction)
        let frontendKeys = [
            ("backend", backend), ("backend-id", String(address.backendDomid)), ("handle", handle),
            ("state", initialising),
        ]
        for (key, value) in frontendKeys { try client.write("\(frontend)/\(key)", value, transaction: transaction) }

        let domainName = "/local/domain/\(address.domid)/name"
        if try client.read(domainName, transaction: transaction) == nil {
            try client.write(domainName, name, transaction: transaction)
        }
    }

    /// The instance once the backend wrote it; nil while it has not answered.
    private func hotplugResult(_ address: VTPMDeviceAddress) throws(XenError) -> InstanceID? {
        let backend = address.backendPath
        if try client.read("\(backend)/hotplug-status") == "error" {
            let reason = try client.read("\(backend)/hotplug-error") ?? "no hotplug-error given"
            throw XenError(.hotplugFailed, "the backend refused \(address): \(reason)")
        }
        guard let written = try client.read("\(backend)/instance") else { return nil }
        guard let number = UInt32(written), number != 0 else {
            throw XenError(.protocolViolation, "the backend wrote instance '\(written)' for \(address)")
        }
        return InstanceID(number)
    }
}
