// SPDX-License-Identifier: Apache-2.0

import VTPMManager

/// One vTPM device as xenstore describes it, for `vtpm xen list`.
public struct VTPMDeviceEntry: Hashable, Sendable {
    public var address: VTPMDeviceAddress
    /// The backend's `domain` key: the name the VM's instance is kept under in vtpm.db.
    public var name: String?
    /// The backend's `instance` key, once the hotplug step has chosen one.
    public var instance: InstanceID?
    public var backendState: XenbusState?
    public var frontendState: XenbusState?

    public init(
        address: VTPMDeviceAddress, name: String?, instance: InstanceID?, backendState: XenbusState?,
        frontendState: XenbusState?
    ) {
        self.address = address
        self.name = name
        self.instance = instance
        self.backendState = backendState
        self.frontendState = frontendState
    }
}

extension VTPMToolstack {
    /// Every device under `/local/domain/*/backend/vtpm/*/*`, read in one transaction so a device removed
    /// meanwhile is either whole or absent; sorted by frontend domain, devid, then backend domain.
    public func list() throws(XenError) -> [VTPMDeviceEntry] {
        try client.transaction { (transaction: UInt32) throws(XenError) -> [VTPMDeviceEntry] in
            try devices(transaction: transaction).map { address throws(XenError) in
                try entry(address, transaction: transaction)
            }
        }
    }

    /// The address of every device directory; entries that are not decimal numbers are not devices.
    func devices(transaction: UInt32) throws(XenError) -> [VTPMDeviceAddress] {
        var found: [VTPMDeviceAddress] = []
        for backend in try numbers(in: "/local/domain", transaction: transaction) {
            let root = VTPMDeviceAddress.backendRoot(backend)
            for frontend in try numbers(in: root, transaction: transaction) {
                for devid in try numbers(in: "\(root)/\(frontend)", transaction: transaction) {
                    found.append(VTPMDeviceAddress(backendDomid: backend, domid: frontend, devid: devid))
                }
            }
        }
        return found.sorted { ($0.domid, $0.devid, $0.backendDomid) < ($1.domid, $1.devid, $1.backendDomid) }
    }

    func entry(_ address: VTPMDeviceAddress, transaction: UInt32) throws(XenError) -> VTPMDeviceEntry {
        let backend = address.backendPath
        // The frontend is where the backend's `frontend` key says; the toolstack wrote the usual path there.
        let frontend = try client.read("\(backend)/frontend", transaction: transaction) ?? address.frontendPath
        return VTPMDeviceEntry(
            address: address,
            name: try client.read("\(backend)/domain", transaction: transaction),
            instance: try client.read("\(backend)/instance", transaction: transaction)
                .flatMap { UInt32($0) }.map { InstanceID($0) },
            backendState: try state(at: "\(backend)/state", transaction: transaction),
            frontendState: try state(at: "\(frontend)/state", transaction: transaction))
    }

    func state(at path: String, transaction: UInt32) throws(XenError) -> XenbusState? {
        try client.read(path, transaction: transaction).flatMap { XenbusState(xenstoreValue: $0) }
    }

    /// The children of `path` that are decimal numbers (domids, devids), ascending; none if it is absent.
    func numbers(in path: String, transaction: UInt32) throws(XenError) -> [UInt32] {
        (try client.directory(path, transaction: transaction) ?? []).compactMap { UInt32($0) }.sorted()
    }
}
