// SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization
import TPMEngine
import TPMWire

/// One virtual TPM: an engine, its power state and its durable store.
///
/// Commands run one at a time under the instance's lock, from request to response: the engine runs, and
/// if durable state changed it is stored before the response is returned. A response is therefore never
/// released for a change that could still be lost. If the store fails, the instance enters failure mode,
/// so nothing after the lost write is acknowledged either.
public final class VTPMInstance: Sendable {
    public let id: InstanceID
    let store: StateStore?
    let platform: InstancePlatform
    private let logger: Logger
    private let state: Mutex<State>

    struct State: ~Copyable {
        var engine: TPMEngine
        var powered = true
        var locality: UInt8 = 0
        /// The TPM-established flag of the TIS/swtpm interface (set by a DRTM sequence).
        var established = false
        var generation: UInt64
    }

    init(
        id: InstanceID, engine: TPMEngine, generation: UInt64, store: StateStore?, platform: InstancePlatform,
        logger: Logger
    ) {
        self.id = id
        self.store = store
        self.platform = platform
        self.logger = logger
        self.state = Mutex(State(engine: engine, generation: generation))
    }

    /// Runs one command. `locality` nil means the locality last set with ``PlatformControl/setLocality(_:)``.
    /// Returns nil while the TPM is powered off or stopped.
    public func execute(_ command: [UInt8], locality: UInt8? = nil) -> [UInt8]? {
        state.withLock { state in
            guard state.powered else { return nil }
            var response = state.engine.execute(command, locality: locality ?? state.locality)
            if state.engine.durableStateChanged, !persist(&state) {
                response = ResponseHeader.errorResponse(.failure)
            }
            return response
        }
    }

    /// Applies a host signal or control verb.
    public func perform(_ control: PlatformControl) throws(PlatformControlError) {
        try state.withLock { (state: inout State) throws(PlatformControlError) in
            switch control {
            case .powerOn:
                guard !state.powered else { return }
                state.powered = true
                state.engine.initialize()
            case .powerOff, .stop:
                state.powered = false
            case .reset:
                guard state.powered else { return }
                state.engine.initialize()
            case .initialize:
                state.powered = true
                state.engine.initialize()
            case .nvOn, .nvOff:
                break
            case .cancelOn:
                platform.setCancel(true)
            case .cancelOff:
                platform.setCancel(false)
            case .physicalPresenceOn:
                platform.setPhysicalPresence(true)
            case .physicalPresenceOff:
                platform.setPhysicalPresence(false)
            case .setLocality(let locality):
                guard locality <= 4 else { throw .badLocality }
                state.locality = locality
            case .resetEstablished(let locality):
                guard locality == 3 || locality == 4 else { throw .badLocality }
                state.established = false
            }
        }
    }

    public var isPowered: Bool { state.withLock { $0.powered } }
    public var locality: UInt8 { state.withLock { $0.locality } }
    public var isEstablished: Bool { state.withLock { $0.established } }

    /// Stores the current state (including Clock) if anything is unsaved: called at daemon shutdown.
    public func flush() throws(ManagerError) {
        try state.withLock { (state: inout State) throws(ManagerError) in
            guard let store else { return }
            state.generation += 1
            try store.save(state.engine.durableState(), generation: state.generation)
            state.engine.durableStateStored()
        }
    }

    /// Writes durable state; on failure the engine stops acknowledging anything (failure mode).
    private func persist(_ state: inout State) -> Bool {
        guard let store else {
            state.engine.durableStateStored()
            return true
        }
        do throws(ManagerError) {
            state.generation += 1
            try store.save(state.engine.durableState(), generation: state.generation)
            state.engine.durableStateStored()
            return true
        } catch {
            logger.error(
                "state write failed; instance enters failure mode",
                metadata: ["vtpm.instance": "\(id)", "error": "\(error)"])
            state.engine.enterFailureMode()
            return false
        }
    }
}
