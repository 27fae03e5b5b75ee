// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization
import VTPMManager

/// tpmback in the backend domain (domain 0, inside vtpmd): follows xenstore's `backend/vtpm/<domid>/<devid>`
/// directories, plays the hotplug script's part (instance allocation), does the xenbus handshake with each
/// frontend, and serves connected devices (``BackendConnection``).
///
/// One control thread reacts to watch events by reconciling every device with what xenstore says: the frontend's
/// state, `online`, and whether the frontend's domain still runs (@releaseDomain). Writes go through the
/// in-process ``XenStore`` as domain 0.
public final class TPMBackend: Sendable {
    /// Per device, for tests and `vtpm xen list`.
    public struct DeviceStatus: Sendable, Hashable {
        public let frontendDomain: DomainID
        public let devid: String
        public let instance: InstanceID?
        public let connected: Bool
        public let served: UInt64
        public let refused: UInt64
    }

    /// A device's state in the backend. Unchecked Sendable: every access holds the table's lock (``devices``).
    final class DeviceRecord: @unchecked Sendable {
        let backendPath: String
        var frontendPath: String
        var frontendDomain: DomainID
        var devid: String
        var connection: BackendConnection?
        var servedBefore: UInt64 = 0
        var refusedBefore: UInt64 = 0
        var lastFailure: String?

        init(backendPath: String, frontendPath: String, frontendDomain: DomainID, devid: String) {
            self.backendPath = backendPath
            self.frontendPath = frontendPath
            self.frontendDomain = frontendDomain
            self.devid = devid
        }
    }

    /// Where a prefixed packet goes: the manager's `/dev/vtpm` endpoint (``ManagerDevice/handle(_:)``).
    public typealias Route = @Sendable ([UInt8]) -> [UInt8]

    /// The largest request the driver accepts by default: TPM_PT_MAX_COMMAND_SIZE of our TPMs. Anything longer
    /// could only fail in the TPM, so the driver answers it itself.
    public static let defaultRequestLimit = 4096

    public let store: XenStore
    public let domain: LocalDomain
    public let manager: InstanceManager
    public let assignments: InstanceAssignments
    /// The largest request accepted (at most what the ring carries).
    public let requestLimit: Int
    private let route: Route
    private let logger: Logger
    private let root: String
    private let wake: EventSignal
    private let stopping = Atomic<Bool>(false)
    private let devices = Mutex<[String: DeviceRecord]>([:])
    private let connection = Mutex<UInt64?>(nil)
    private let finished = Mutex<Thread?>(nil)

    public init(
        store: XenStore, domain: LocalDomain, manager: InstanceManager, route: @escaping Route,
        assignments: InstanceAssignments, requestLimit: Int = defaultRequestLimit, logger: Logger
    ) throws(XenError) {
        self.store = store
        self.domain = domain
        self.manager = manager
        self.route = route
        self.assignments = assignments
        self.requestLimit = min(requestLimit, TPMIFRing.capacity)
        self.logger = logger
        self.root = "/local/domain/\(domain.domid)/backend/vtpm"
        self.wake = try EventSignal()
    }

    /// Registers the watches and starts the control thread.
    public func start() throws(XenError) {
        let wake = self.wake
        let id = store.connect { _, _ in wake.signal() }
        connection.withLock { $0 = id }
        do {
            _ = try store.watch(try XenStorePath(root), token: "vtpm-backend", connection: id, relativeTo: nil)
            _ = try store.watch(
                try XenStorePath("@releaseDomain"), token: "vtpm-release", connection: id, relativeTo: nil)
        } catch {
            throw XenError(.xenstore, "cannot watch \(root): \(error.name)", storeError: error)
        }
        domain.hypervisor.observeDomains { [store] _, alive in
            if let path = try? XenStorePath(alive ? "@introduceDomain" : "@releaseDomain") { store.fireSpecial(path) }
        }
        wake.signal()
        Thread.detachNewThread { [self] in
            while true {
                wake.wait()
                if stopping.load(ordering: .acquiring) { break }
                reconcile()
            }
        }
        logger.info("vtpm backend watching \(root)")
    }

    /// Disconnects every device (their xenstore state is left for the next start) and stops the thread.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
        if let id = connection.withLock({ $0 }) { store.disconnect(id) }
        devices.withLock { devices in
            for record in devices.values {
                record.connection?.stop()
                record.connection = nil
            }
        }
    }

    /// Every device the backend knows.
    public var status: [DeviceStatus] {
        devices.withLock { devices in
            devices.values.sorted { $0.backendPath < $1.backendPath }.map { record in
                let live = record.connection?.statistics
                return DeviceStatus(
                    frontendDomain: record.frontendDomain, devid: record.devid, instance: record.connection?.instance,
                    connected: record.connection != nil, served: record.servedBefore + (live?.served ?? 0),
                    refused: record.refusedBefore + (live?.refused ?? 0))
            }
        }
    }

    // MARK: - Reconciling

    /// Runs on the control thread, holding the device table's lock throughout: records are only ever touched
    /// under it (``status`` reads them from other threads).
    private func reconcile() {
        devices.withLock { devices in
            guard !stopping.load(ordering: .acquiring) else { return }
            reconcile(&devices)
        }
    }

    private func reconcile(_ devices: inout [String: DeviceRecord]) {
        var seen: Set<String> = []
        for frontend in list(root) {
            for devid in list("\(root)/\(frontend)") {
                let path = "\(root)/\(frontend)/\(devid)"
                seen.insert(path)
                reconcileDevice(path, devid: devid, &devices)
            }
        }
        let gone = devices.filter { !seen.contains($0.key) }
        for key in gone.keys { devices[key] = nil }
        for record in gone.values {
            disconnect(record)
            if let id = connection.withLock({ $0 }), let path = try? XenStorePath(record.frontendPath) {
                try? store.unwatch(path, token: record.backendPath, connection: id)
            }
            logger.info("vtpm device removed", metadata: ["xen.domid": "\(record.frontendDomain)"])
        }
    }

    private func reconcileDevice(_ path: String, devid: String, _ devices: inout [String: DeviceRecord]) {
        guard let frontendPath = read("\(path)/frontend"),
            let frontendDomain = read("\(path)/frontend-id").flatMap(DomainID.init)
        else { return }
        let record =
            devices[path]
            ?? DeviceRecord(backendPath: path, frontendPath: frontendPath, frontendDomain: frontendDomain, devid: devid)
        devices[path] = record
        if record.frontendPath != frontendPath || record.frontendDomain != frontendDomain {
            disconnect(record)
            record.frontendPath = frontendPath
            record.frontendDomain = frontendDomain
        }
        watchFrontend(record)
        guard let instance = hotplug(record) else { return }
        guard read("\(path)/online") != "0" else {
            disconnect(record)
            setState(.closed, record)
            return
        }
        switch read("\(frontendPath)/state").flatMap(XenbusState.init(xenstoreValue:)) {
        case .initialised, .connected:
            connect(record, instance: instance)
        case .closing:
            disconnect(record)
            setState(.closing, record)
        default:
            // Initialising, or Closed: the device stays for the next frontend (a restarted guest, or this one
            // again after `online` went 0 and back to 1), so the backend waits at InitWait.
            disconnect(record)
            setState(.initWait, record)
        }
    }

    /// The hotplug script's part: the VM's instance from the durable table (its preferred one if free, else the
    /// lowest free number), opened in the manager and written to `instance`. Returns nil if none can be had.
    private func hotplug(_ record: DeviceRecord) -> InstanceID? {
        let path = record.backendPath
        if let written = read("\(path)/instance") {
            guard let number = UInt32(written), number != 0, number != UInt32.max else { return nil }
            let id = InstanceID(number)
            if manager.instance(id) == nil { return open(id, record) ? id : nil }
            return id
        }
        guard read("\(path)/hotplug-status") != "error" else { return nil }
        // The toolstack writes the directory in one transaction; keys written one by one may still be on
        // their way, and the next change brings us back here.
        guard let name = read("\(path)/domain"), !name.isEmpty else { return nil }
        let preferred = read("\(path)/pref_instance").flatMap(UInt32.init).flatMap { $0 == 0 ? nil : $0 }
        let id: InstanceID
        do throws(ManagerError) {
            id = try assignments.assign(name, preferred: preferred).instance
        } catch {
            return hotplugFailed(record, error.reason)
        }
        guard open(id, record) else { return nil }
        write(record, ["instance": String(id.rawValue), "hotplug-status": "connected"])
        logger.info(
            "vtpm instance \(id) assigned to '\(name)'",
            metadata: ["xen.domid": "\(record.frontendDomain)", "vtpm.instance": "\(id)"])
        return id
    }

    private func open(_ id: InstanceID, _ record: DeviceRecord) -> Bool {
        do throws(ManagerError) {
            try manager.open(id)
            return true
        } catch {
            _ = hotplugFailed(record, "instance \(id): \(error.reason)")
            return false
        }
    }

    private func hotplugFailed(_ record: DeviceRecord, _ reason: String) -> InstanceID? {
        write(record, ["hotplug-error": reason, "hotplug-status": "error"])
        logger.error("vtpm hotplug failed: \(reason)", metadata: ["xen.domid": "\(record.frontendDomain)"])
        return nil
    }

    private func connect(_ record: DeviceRecord, instance: InstanceID) {
        let frontend = record.frontendPath
        guard let ringRef = read("\(frontend)/ring-ref").flatMap(GrantRef.init),
            let port = read("\(frontend)/event-channel").flatMap(EventPort.init)
        else {
            disconnect(record)
            setState(.initWait, record)
            return
        }
        // A channel stays bound only while the frontend's domain lives: a restarted guest that happens to offer
        // the same ring-ref and port is still a new connection.
        if let current = record.connection, current.ringRef == ringRef, current.remotePort == port,
            current.instance == instance, domain.hypervisor.isBound(domain.domid, current.localPort)
        {
            setState(.connected, record)
            return
        }
        disconnect(record)
        guard domain.hypervisor.isRunning(record.frontendDomain) else {
            setState(.initWait, record)
            return
        }
        let connection: BackendConnection
        do throws(XenError) {
            connection = try BackendConnection(
                domain: domain, frontendDomain: record.frontendDomain, ringRef: ringRef, remotePort: port,
                instance: instance, route: route, limit: requestLimit, logger: logger)
        } catch {
            let failure =
                "cannot connect to domain \(record.frontendDomain) (ring-ref \(ringRef), port \(port)): \(error)"
            if record.lastFailure != failure { logger.warning("\(failure)") }
            record.lastFailure = failure
            setState(.initWait, record)
            return
        }
        record.lastFailure = nil
        record.connection = connection
        connection.start()
        write(record, ["ready": "1"])
        setState(.connected, record)
        logger.info(
            "vtpm connected", metadata: ["xen.domid": "\(record.frontendDomain)", "vtpm.instance": "\(instance)"])
    }

    private func disconnect(_ record: DeviceRecord) {
        guard let connection = record.connection else { return }
        record.connection = nil
        connection.stop()
        let statistics = connection.statistics
        record.servedBefore += statistics.served
        record.refusedBefore += statistics.refused
        logger.info("vtpm disconnected", metadata: ["xen.domid": "\(record.frontendDomain)"])
    }

    private func watchFrontend(_ record: DeviceRecord) {
        guard let id = connection.withLock({ $0 }), let path = try? XenStorePath(record.frontendPath) else { return }
        // EEXIST once registered: the token names the device, so each frontend is watched once.
        _ = try? store.watch(path, token: record.backendPath, connection: id, relativeTo: nil)
    }

    // MARK: - xenstore

    private func setState(_ state: XenbusState, _ record: DeviceRecord) {
        guard read("\(record.backendPath)/state") != String(state.rawValue) else { return }
        write(record, ["state": String(state.rawValue)])
    }

    private func read(_ path: String) -> String? {
        guard let path = try? XenStorePath(path), let value = try? store.read(path, caller: domain.domid) else {
            return nil
        }
        return String(decoding: value, as: UTF8.self)
    }

    private func list(_ path: String) -> [String] {
        guard let path = try? XenStorePath(path) else { return [] }
        return (try? store.directory(path, caller: domain.domid)) ?? []
    }

    /// Writes keys of a device's directory in one transaction, and only while the directory exists: a detach may
    /// remove it at any moment, and a plain write would create it again (Linux's xenbus_switch_state checks the
    /// same way).
    private func write(_ record: DeviceRecord, _ values: KeyValuePairs<String, String>) {
        guard let id = connection.withLock({ $0 }), let directory = try? XenStorePath(record.backendPath) else {
            return
        }
        for _ in 0..<5 {
            do throws(XenStoreError) {
                let transaction = try store.startTransaction(connection: id, caller: domain.domid)
                do throws(XenStoreError) {
                    _ = try store.read(directory, caller: domain.domid, transaction: transaction)
                    for (key, value) in values {
                        try store.write(
                            directory.child(key), Array(value.utf8), caller: domain.domid, transaction: transaction)
                    }
                } catch {
                    try? store.endTransaction(transaction, connection: id, commit: false)
                    return
                }
                try store.endTransaction(transaction, connection: id, commit: true)
                return
            } catch .again {
                continue
            } catch {
                logger.warning("xenstore write under \(record.backendPath) failed: \(error.name)")
                return
            }
        }
    }
}
