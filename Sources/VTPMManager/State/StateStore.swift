// SPDX-License-Identifier: Apache-2.0

import FoundationEssentials
import SystemPackage
import TPMEngine

#if canImport(Glibc)
import Glibc
#endif

/// The durable home of one instance's state: `<directory>/tpm2-state.vtpm`.
///
/// Every save writes a temporary file, fsyncs it, renames it over the old file and fsyncs the directory,
/// so a crash at any point leaves either the old or the new state, complete. A file that fails its
/// checks is reported and left in place for inspection; it is never silently replaced.
public struct StateStore: Sendable {
    public static let fileName = "tpm2-state.vtpm"

    public let directory: FilePath
    public var stateFile: FilePath { directory.appending(Self.fileName) }
    var temporaryFile: FilePath { directory.appending(Self.fileName + ".tmp") }

    public init(directory: FilePath) {
        self.directory = directory
    }

    /// The stored state and its generation, or nil if this instance has never been saved.
    public func load() throws(ManagerError) -> (state: DurableState, generation: UInt64)? {
        let path = stateFile.string
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(filePath: path)))
        } catch {
            throw ManagerError(.stateUnreadable, "cannot read \(path): \(error)")
        }
        let container: StateContainer
        do throws(ManagerError) {
            container = try StateContainer(decoding: bytes)
        } catch {
            throw ManagerError(error.code, "\(path): \(error.reason)")
        }
        do throws(DurableStateError) {
            return (try DurableState(serialized: container.payload), container.generation)
        } catch {
            throw ManagerError(.stateCorrupted, "\(path): the state inside is inconsistent: \(error)")
        }
    }

    /// Stores `state` atomically and durably (``AtomicFile``).
    public func save(_ state: DurableState, generation: UInt64) throws(ManagerError) {
        let bytes = StateContainer(generation: generation, payload: state.serialized()).encoded()
        do {
            try AtomicFile.write(bytes, to: stateFile)
        } catch {
            throw ManagerError(.stateUnwritable, "cannot store \(stateFile): \(error)")
        }
    }
}
