// SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization
import SystemPackage
import TPMCrypto
import TPMEngine

/// The registry of vTPM instances of one daemon: opens (or manufactures) them from the state directory and
/// routes packets to them.
public final class InstanceManager: Sendable {
    /// Where instance state lives: `<stateDirectory>/<instance>/tpm2-state.vtpm`. Nil keeps state in memory.
    public let stateDirectory: FilePath?
    private let logger: Logger
    private let entropySource: any EntropySource
    private let registry = Mutex<[InstanceID: VTPMInstance]>([:])

    public init(
        stateDirectory: FilePath?, logger: Logger = Logger(label: "vtpm.manager"),
        entropySource: any EntropySource = SystemEntropySource()
    ) {
        self.stateDirectory = stateDirectory
        self.logger = logger
        self.entropySource = entropySource
    }

    /// The instance `id`, loading its state or manufacturing a new TPM on first use.
    ///
    /// Throws ``ManagerError`` naming the state file when it exists but cannot be used; the file is left
    /// untouched for inspection.
    @discardableResult
    public func open(_ id: InstanceID) throws(ManagerError) -> VTPMInstance {
        if let existing = registry.withLock({ $0[id] }) { return existing }
        let store = stateDirectory.map { StateStore(directory: $0.appending(String(id.rawValue))) }
        let platform = InstancePlatform(entropySource: entropySource)
        let instance: VTPMInstance
        if let loaded = try store?.load() {
            let engine = TPMEngine(restoring: loaded.state, platform: platform)
            instance = VTPMInstance(
                id: id, engine: engine, generation: loaded.generation, store: store,
                platform: platform, logger: logger)
            logger.debug("instance loaded", metadata: ["vtpm.instance": "\(id)"])
        } else {
            var engine = TPMEngine.manufacture(platform: platform)
            try store?.save(engine.durableState(), generation: 1)
            engine.durableStateStored()
            instance = VTPMInstance(
                id: id, engine: engine, generation: 1, store: store, platform: platform,
                logger: logger)
            logger.debug("instance manufactured", metadata: ["vtpm.instance": "\(id)"])
        }
        return registry.withLock { registry in
            if let raced = registry[id] { return raced }
            registry[id] = instance
            return instance
        }
    }

    public func instance(_ id: InstanceID) -> VTPMInstance? {
        registry.withLock { $0[id] }
    }

    public var instances: [VTPMInstance] {
        registry.withLock { $0.values.sorted { $0.id < $1.id } }
    }

    /// Stores every instance's state; returns the failures (instance, error) for the caller to report.
    public func flushAll() -> [(InstanceID, ManagerError)] {
        var failures: [(InstanceID, ManagerError)] = []
        for instance in instances {
            do throws(ManagerError) {
                try instance.flush()
            } catch {
                failures.append((instance.id, error))
            }
        }
        return failures
    }
}
