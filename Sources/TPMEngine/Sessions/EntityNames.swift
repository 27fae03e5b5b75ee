// SPDX-License-Identifier: Apache-2.0

import TPMWire

extension TPMEngine {
    /// The Name of the entity `handle` refers to — Part 1, 16: for permanent entities, PCRs and sessions the
    /// handle itself; for objects without a public area (sequences) also the handle.
    func name(of handle: TPMHandle) -> [UInt8] {
        handle.marshalled()
    }
}
