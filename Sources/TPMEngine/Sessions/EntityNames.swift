// SPDX-License-Identifier: Apache-2.0

import TPMWire

extension TPMEngine {
    /// The Name of the entity `handle` refers to — Part 1, 16 (ms-tpm `EntityGetName`): an object with a
    /// public area is named by the digest of it (keys arrive in a later stage); an object without one, such
    /// as a sequence, has an empty Name; every other entity (hierarchy, PCR, session) is named by its handle.
    func name(of handle: TPMHandle) -> [UInt8] {
        switch handle.type {
        case .transient, .persistent: objects[handle]?.key?.name ?? []
        default: handle.marshalled()
        }
    }
}
