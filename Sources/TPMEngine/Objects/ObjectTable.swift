// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// A loaded object (Part 1, 30.2): a key or data object, or a hash/event sequence.
struct LoadedObject: Sendable {
    enum Kind: Sendable {
        /// A key or sealed data object with its public area (and, unless loaded public-only, its secret).
        case key(KeyObject)
        /// TPM2_HashSequenceStart with a hash: one running digest.
        case hashSequence(HashSequence)
        /// TPM2_HashSequenceStart with TPM_ALG_NULL: one running digest per implemented hash.
        case eventSequence([TPMHashState])
    }

    var kind: Kind
    var authValue: TPM2BAuth
    /// The hierarchy the object belongs to; sequences belong to none.
    var hierarchy: TPMHandle?
    /// Sequence objects are created with noDA SET (ms-tpm `AllocateSequenceSlot`); keys follow their noDA.
    var isDictionaryAttackExempt: Bool

    var isSequence: Bool {
        switch kind {
        case .hashSequence, .eventSequence: true
        case .key: false
        }
    }

    var key: KeyObject? {
        if case .key(let key) = kind { return key }
        return nil
    }

    init(kind: Kind, authValue: TPM2BAuth, hierarchy: TPMHandle?, isDictionaryAttackExempt: Bool) {
        self.kind = kind
        self.authValue = authValue
        self.hierarchy = hierarchy
        self.isDictionaryAttackExempt = isDictionaryAttackExempt
    }

    /// A key object in `hierarchy`; its authValue and DA exemption come from its own areas.
    init(key: KeyObject, hierarchy: TPMHandle) {
        self.init(
            kind: .key(key), authValue: key.sensitive?.authValue ?? .empty, hierarchy: hierarchy,
            isDictionaryAttackExempt: key.publicArea.objectAttributes.contains(.noDA))
    }
}

/// A hash sequence and whether its result may earn a ticket (Part 3, 17.5: not if the data starts with
/// TPM_GENERATED_VALUE).
struct HashSequence: Sendable {
    var state: TPMHashState
    /// SET once the first block of data has been seen.
    var sawFirstBlock = false
    var ticketSafe = false

    /// TPM_GENERATED_VALUE — Part 2, 6.2: the prefix of every structure the TPM signs.
    static let generatedValue: [UInt8] = [0xFF, 0x54, 0x43, 0x47]

    /// A ticket may be made for data that is at least four bytes long and does not start with
    /// TPM_GENERATED_VALUE (ms-tpm `TicketIsSafe`).
    static func isTicketSafe(_ data: [UInt8]) -> Bool {
        data.count >= generatedValue.count && !data.starts(with: generatedValue)
    }

    mutating func update(_ data: [UInt8]) {
        if !sawFirstBlock {
            sawFirstBlock = true
            ticketSafe = Self.isTicketSafe(data)
        }
        state.update(data)
    }
}

/// The TPM's transient object slots and its persistent objects. Transient handles are TRANSIENT_FIRST plus
/// the slot number, lowest free first, as the reference implementation assigns them.
struct ObjectTable: Sendable {
    /// TPM_PT_HR_TRANSIENT_MIN: far more than a hardware TPM's 3, so that clients without a resource
    /// manager do not run out.
    static let capacity = 64
    /// How many objects TPM2_EvictControl may make persistent (TPM_RC_NV_SPACE beyond).
    static let persistentCapacity = 64

    private var slots: [LoadedObject?] = Array(repeating: nil, count: capacity)
    /// Objects made persistent with TPM2_EvictControl, ready to use (their durable copy is in
    /// ``PermanentState/persistentObjects``).
    private(set) var persistent: [TPMHandle: LoadedObject] = [:]

    subscript(handle: TPMHandle) -> LoadedObject? {
        get {
            if handle.type == .persistent { return persistent[handle] }
            guard let index = Self.slotIndex(handle) else { return nil }
            return slots[index]
        }
        set {
            if handle.type == .persistent {
                persistent[handle] = newValue
                return
            }
            guard let index = Self.slotIndex(handle) else { return }
            slots[index] = newValue
        }
    }

    /// Loaded transient objects.
    var count: Int { slots.count { $0 != nil } }

    var handles: [TPMHandle] {
        slots.indices.filter { slots[$0] != nil }.map { TPMHandle(TPMHandle.firstTransient.rawValue + UInt32($0)) }
    }

    var persistentHandles: [TPMHandle] { persistent.keys.sorted() }

    /// Loads `object` into the lowest free slot; TPM_RC_OBJECT_MEMORY when all are taken.
    mutating func insert(_ object: LoadedObject) throws(TPMRC) -> TPMHandle {
        guard let index = slots.firstIndex(where: { $0 == nil }) else { throw .objectMemory }
        slots[index] = object
        return TPMHandle(TPMHandle.firstTransient.rawValue + UInt32(index))
    }

    mutating func remove(_ handle: TPMHandle) {
        self[handle] = nil
    }

    /// Flushes every transient object of `hierarchy` (ms-tpm `ObjectFlushHierarchy`); sequences belong to
    /// none.
    mutating func flush(hierarchy: TPMHandle) {
        for index in slots.indices where slots[index]?.hierarchy == hierarchy {
            slots[index] = nil
        }
    }

    /// Flushes transient objects with stClear SET (TPM Restart and TPM Reset).
    mutating func flushStClear() {
        for index in slots.indices where slots[index]?.key?.publicArea.objectAttributes.contains(.stClear) == true {
            slots[index] = nil
        }
    }

    /// Removes the persistent objects of `hierarchy` (TPM2_Clear).
    mutating func removePersistent(hierarchy: TPMHandle) {
        persistent = persistent.filter { $0.value.hierarchy != hierarchy }
    }

    private static func slotIndex(_ handle: TPMHandle) -> Int? {
        guard handle.type == .transient else { return nil }
        let index = Int(handle.index)
        return index < capacity ? index : nil
    }
}
